import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { detectFlow, type KiroCredential } from './kiro-credential';

/**
 * kiro-cli keeps its login in SQLite (kiro-protocol.md §1.1): table `auth_kv(key, value)` with
 * snake_case JSON values, the OIDC client under a device-registration key, and the profile ARN in
 * `state`. Token keys are tried in kiro-cli's own priority order.
 */
const TOKEN_KEYS = ['kirocli:social:token', 'kirocli:odic:token', 'codewhisperer:odic:token'] as const;
const REGISTRATION_KEYS = ['kirocli:odic:device-registration', 'codewhisperer:odic:device-registration'] as const;
const PROFILE_KEY = 'api.codewhisperer.profile';

type Json = Record<string, unknown>;
type Database = BetterSqlite3.Database;

export interface KiroCliLocations {
  homeDir?: string;
  appData?: string;
  localAppData?: string;
}

/** Where kiro-cli (or the older Amazon Q CLI) keeps its database on this machine, if anywhere. */
export function findKiroCliDatabase(where: KiroCliLocations, platform: NodeJS.Platform = process.platform): string | undefined {
  const candidates: string[] = [];
  if (platform === 'win32') {
    if (where.appData) candidates.push(join(where.appData, 'kiro-cli', 'data.sqlite3'));
    if (where.localAppData) candidates.push(join(where.localAppData, 'Kiro-Cli', 'data.sqlite3'));
  }
  if (where.homeDir) {
    if (platform === 'darwin') candidates.push(join(where.homeDir, 'Library', 'Application Support', 'kiro-cli', 'data.sqlite3'));
    candidates.push(join(where.homeDir, '.local', 'share', 'kiro-cli', 'data.sqlite3'));
    candidates.push(join(where.homeDir, '.local', 'share', 'amazon-q', 'data.sqlite3'));
  }
  return candidates.find((path) => existsSync(path));
}

/** Reads the login from a kiro-cli database; undefined when it holds no usable token. */
export function readKiroCliCredential(path: string, fallbackRegion: string): KiroCredential | undefined {
  const db = open(path, true);
  try {
    for (const key of TOKEN_KEYS) {
      const token = readJson(db, 'auth_kv', key);
      const refreshToken = str(token?.refresh_token);
      if (!token || !refreshToken) continue;
      const registration = REGISTRATION_KEYS.map((k) => readJson(db, 'auth_kv', k)).find(Boolean);
      const isOidc = key !== 'kirocli:social:token';
      const clientId = isOidc ? str(registration?.client_id) : undefined;
      const clientSecret = isOidc ? str(registration?.client_secret) : undefined;
      const expiresAt = parseExpiry(str(token.expires_at));
      return {
        refreshToken,
        accessToken: str(token.access_token),
        expiresAt,
        profileArn: str(token.profile_arn) ?? str(readJson(db, 'state', PROFILE_KEY)?.arn),
        region: str(token.region) ?? str(registration?.region) ?? fallbackRegion,
        clientId,
        clientSecret,
        flow: isOidc ? 'aws-sso-oidc' : detectFlow({ authMethod: token.auth_method }),
        source: { kind: 'kiro-cli', path, key },
      };
    }
    return undefined;
  } finally {
    db.close();
  }
}

/** Merges refreshed tokens into the row they came from, keeping every field kiro-cli wrote. */
export function writeKiroCliCredential(path: string, key: string, credential: KiroCredential): void {
  const db = open(path, false);
  try {
    const existing = readJson(db, 'auth_kv', key) ?? {};
    const merged: Json = {
      ...existing,
      access_token: credential.accessToken,
      refresh_token: credential.refreshToken,
      ...(credential.expiresAt !== undefined ? { expires_at: new Date(credential.expiresAt).toISOString() } : {}),
    };
    db.prepare('UPDATE auth_kv SET value = ? WHERE key = ?').run(JSON.stringify(merged), key);
  } finally {
    db.close();
  }
}

function open(path: string, readonly: boolean): Database {
  // Optional dependency, loaded only when a kiro-cli database is actually used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
  return new Sqlite(path, { readonly, fileMustExist: true, timeout: 5_000 });
}

function readJson(db: Database, table: 'auth_kv' | 'state', key: string): Json | undefined {
  try {
    const row = db.prepare(`SELECT value FROM ${table} WHERE key = ?`).get(key) as { value?: unknown } | undefined;
    const raw = row?.value instanceof Buffer ? row.value.toString('utf8') : row?.value;
    if (typeof raw !== 'string') return undefined;
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** kiro-cli writes RFC 3339 with nanoseconds; JavaScript dates take milliseconds. */
function parseExpiry(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.replace(/(\.\d{3})\d+/, '$1');
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
