import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeJsonSyntaxError, isJsonObject } from '../common/json';
import type { GatewayConfig } from '../config/gateway.config';
import { CredentialSourceError } from './credential-source.error';
import { findKiroCliDatabase, readKiroCliCredential } from './kiro-cli-store';
import { detectFlow, KiroCredential } from './kiro-credential';

type Json = Record<string, unknown>;

/** A place a login is read from: how to name it in a message, and what the user can do about it. */
interface Origin {
  name: string;
  fix: string;
}

const OTHER_SOURCES = 'REFRESH_TOKEN or a Kiro IDE / kiro-cli login';

function credsFileOrigin(where: string): Origin {
  return { name: `KIRO_CREDS_FILE (${where})`, fix: `correct it, or unset KIRO_CREDS_FILE to use ${OTHER_SOURCES} instead` };
}

function ideOrigin(path: string): Origin {
  return { name: `The Kiro IDE login at ${path}`, fix: 'log in to Kiro again (the IDE rewrites the file), or set KIRO_CREDS_FILE or REFRESH_TOKEN to use another login' };
}

/**
 * Finds the gateway's own Kiro login, in order: KIRO_CREDS_FILE (path or URL), REFRESH_TOKEN,
 * then a logged-in Kiro IDE's token cache, then kiro-cli's SQLite store. `undefined` means
 * multi-tenant-only mode; it never falls back to anything else. A source that is there but
 * unusable stops start-up with a {@link CredentialSourceError} naming it and the fix.
 */
export async function loadGatewayCredential(config: GatewayConfig): Promise<KiroCredential | undefined> {
  const { credentials, kiro } = config;
  if (credentials.credsFile) {
    const isUrl = /^https?:\/\//i.test(credentials.credsFile);
    const json = isUrl ? await fetchJson(credentials.credsFile) : await readJsonFile(credentials.credsFile, credsFileOrigin(credentials.credsFile));
    const source = isUrl ? ({ kind: 'url', url: credentials.credsFile } as const) : ({ kind: 'file', path: credentials.credsFile } as const);
    const origin = credsFileOrigin(isUrl ? urlOrigin(credentials.credsFile) : credentials.credsFile);
    return fromCredsJson(json, source, origin, config, await registrationFor(json, config));
  }
  if (credentials.refreshToken) {
    const meta = { clientId: credentials.clientId, clientSecret: credentials.clientSecret };
    return {
      refreshToken: credentials.refreshToken,
      profileArn: kiro.profileArn,
      region: kiro.region,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      flow: detectFlow(meta),
      source: { kind: 'env' },
    };
  }
  if (credentials.homeDir) {
    const path = join(credentials.homeDir, '.aws', 'sso', 'cache', 'kiro-auth-token.json');
    const origin = ideOrigin(path);
    const json = await readJsonFile(path, origin, { missingIsAbsent: true });
    if (json) return fromCredsJson(json, { kind: 'kiro-ide', path }, origin, config, await registrationFor(json, config));
  }
  const cliDatabase = findKiroCliDatabase({ homeDir: credentials.homeDir, appData: credentials.appData, localAppData: credentials.localAppData });
  if (cliDatabase) {
    try {
      return readKiroCliCredential(cliDatabase, kiro.region);
    } catch (err) {
      throw new CredentialSourceError(
        `The kiro-cli login at ${cliDatabase} cannot be read (${(err as Error).message}): log in with kiro-cli again, or set KIRO_CREDS_FILE or REFRESH_TOKEN to use another login`,
      );
    }
  }
  return undefined;
}

/** IdC logins keep their OIDC client in `{clientIdHash}.json` beside the token (kiro-protocol.md §1.1). */
async function registrationFor(json: Json, config: GatewayConfig): Promise<Json | undefined> {
  const hash = typeof json.clientIdHash === 'string' ? json.clientIdHash : undefined;
  if (!hash || !config.credentials.homeDir || !/^[A-Za-z0-9_-]+$/.test(hash)) return undefined;
  const path = join(config.credentials.homeDir, '.aws', 'sso', 'cache', `${hash}.json`);
  const origin = { name: `The Kiro client registration at ${path}`, fix: 'log in to Kiro again' };
  return readJsonFile(path, origin, { missingIsAbsent: true }).catch(() => undefined);
}

function fromCredsJson(json: Json, source: KiroCredential['source'], origin: Origin, config: GatewayConfig, registration?: Json): KiroCredential {
  const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const refreshToken = str(json.refreshToken) ?? str(json.refresh_token);
  if (!refreshToken) {
    throw new CredentialSourceError(
      `${origin.name} has no refreshToken (a Kiro login file has refreshToken, accessToken, expiresAt, profileArn): ${origin.fix}`,
    );
  }
  const clientId = str(json.clientId) ?? str(registration?.clientId) ?? config.credentials.clientId;
  const clientSecret = str(json.clientSecret) ?? str(registration?.clientSecret) ?? config.credentials.clientSecret;
  const expiresAt = str(json.expiresAt) ? Date.parse(json.expiresAt as string) : undefined;
  return {
    refreshToken,
    accessToken: str(json.accessToken),
    expiresAt: expiresAt !== undefined && !Number.isNaN(expiresAt) ? expiresAt : undefined,
    profileArn: str(json.profileArn) ?? config.kiro.profileArn,
    region: str(json.region) ?? config.kiro.region,
    clientId,
    clientSecret,
    flow: detectFlow({ authMethod: json.authMethod, clientId, clientSecret }),
    source,
    machineId: str(json.machineId),
  };
}

async function readJsonFile(path: string, origin: Origin, options: { missingIsAbsent: true }): Promise<Json | undefined>;
async function readJsonFile(path: string, origin: Origin): Promise<Json>;
async function readJsonFile(path: string, origin: Origin, options?: { missingIsAbsent: true }): Promise<Json | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options?.missingIsAbsent) return undefined;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${(err as Error).message})`;
    throw new CredentialSourceError(`${origin.name} ${why}: ${origin.fix}`);
  }
  return parseObject(text, origin);
}

async function fetchJson(url: string): Promise<Json> {
  const origin = credsFileOrigin(urlOrigin(url));
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new CredentialSourceError(`${origin.name} cannot be fetched (${cause?.code ?? cause?.message ?? (err as Error).message}): check the URL, or unset KIRO_CREDS_FILE to use ${OTHER_SOURCES} instead`);
  }
  if (!response.ok) throw new CredentialSourceError(`${origin.name} answered HTTP ${response.status}: check the URL, or unset KIRO_CREDS_FILE to use ${OTHER_SOURCES} instead`);
  return parseObject(await response.text(), origin);
}

/** Scheme, host and port only: a URL's path or query may carry a token. */
function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

function parseObject(text: string, origin: Origin): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CredentialSourceError(`${origin.name} is not valid JSON: ${describeJsonSyntaxError(text, err)}; ${origin.fix}`);
  }
  if (!isJsonObject(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new CredentialSourceError(`${origin.name} holds ${kind}, not a JSON object with a refreshToken: ${origin.fix}`);
  }
  return value;
}
