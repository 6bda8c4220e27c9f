# syntax=docker/dockerfile:1
# The same commands as .ci/run: npm ci, npm run build (and npm test in the `test` target).
# Node 26, the current LTS (Active LTS since 2026-10-28); .nvmrc names the same major and CI runs
# the test suite on it too. Debian 13 (trixie), the image's default for Node 26.

FROM node:26-trixie-slim AS deps
# better-sqlite3 (kiro-cli logins) builds from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# swagger-ui-dist's @scarf/scarf reports installs unless told not to (package.json says so too).
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY tools/build-admin-ui.ts ./tools/
RUN npm run build

# `docker build --target test .` runs the whole suite as CI does: Chromium (the Swagger UI and
# ReDoc browser test), redis-server (the replica tests) and, with test/agents/install.sh (the
# same step as .ci/run), Claude Code, Codex, OpenCode and the Python SDKs for the agent specs;
# python3-venv is what install.sh needs for the SDKs' virtualenv. CI=true makes anything missing
# fail instead of skipping its suite.
FROM build AS test
RUN apt-get update && apt-get install -y --no-install-recommends chromium redis-server python3-venv && rm -rf /var/lib/apt/lists/*
COPY jest.config.js .nvmrc Dockerfile LICENSE README.md ./
COPY .ci ./.ci
COPY test ./test
COPY tools ./tools
RUN bash test/agents/install.sh
ENV CI=true
RUN npm run typecheck && npm test

FROM deps AS prod-deps
RUN npm prune --omit=dev

FROM node:26-trixie-slim AS runtime
# HOME stays /home/node under another uid (compose `user:`), where a mounted Kiro login is found.
ENV NODE_ENV=production \
    HOME=/home/node \
    HOST=0.0.0.0 \
    PORT=8000
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
# Where the admin console's request log is kept by default (REQUEST_LOG_FILE); mount a volume to keep it.
RUN mkdir -p /app/data && chown node:node /app/data
# The image's `node` user is uid 1000 / gid 1000: a mounted Kiro login must be writable by it
# (rotated tokens are written back); see the README's Docker section for other host uids.
USER node
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/main.js"]
