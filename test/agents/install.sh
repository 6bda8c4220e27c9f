#!/usr/bin/env bash
# Installs what the agent specs in this folder run, the way a user installs them: the coding
# agents at their pinned versions (npm ci with this folder's own lockfile) and the official Python
# SDKs (a virtualenv from requirements.txt). The lockfile lists the platform packages the npm
# registry serves for these versions.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
python3 -m venv .venv
# One retry: an unreachable index fails fast instead of backing off for minutes.
.venv/bin/pip install -qq --disable-pip-version-check --retries 1 -r requirements.txt
