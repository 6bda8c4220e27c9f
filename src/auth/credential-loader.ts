import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CredentialsError } from '../common/errors';
import type { GatewayConfig } from '../config/gateway.config';
import { findKiroCliDatabase, readKiroCliCredential } from './kiro-cli-store';
import { detectFlow, KiroCredential } from './kiro-credential';

type Json = Record<string, unknown>;

/**
 * Finds the gateway's own Kiro login, in order: KIRO_CREDS_FILE (path or URL), REFRESH_TOKEN,
 * then a logged-in Kiro IDE's token cache, then kiro-cli's SQLite store. `undefined` means
 * multi-tenant-only mode; it never falls back to anything else.
 */
export async function loadGatewayCredential(config: GatewayConfig): Promise<KiroCredential | undefined> {
  const { credentials, kiro } = config;
  if (credentials.credsFile) {
    const isUrl = /^https?:\/\//i.test(credentials.credsFile);
    const json = isUrl ? await fetchJson(credentials.credsFile) : await readJsonFile(credentials.credsFile, 'KIRO_CREDS_FILE');
    const source = isUrl ? ({ kind: 'url', url: credentials.credsFile } as const) : ({ kind: 'file', path: credentials.credsFile } as const);
    return fromCredsJson(json, source, config, await registrationFor(json, config));
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
    const json = await readJsonFile(path, 'Kiro IDE token cache').catch((err: unknown) => {
      if ((err as { missing?: boolean }).missing) return undefined;
      throw err;
    });
    if (json) return fromCredsJson(json, { kind: 'kiro-ide', path }, config, await registrationFor(json, config));
  }
  const cliDatabase = findKiroCliDatabase({ homeDir: credentials.homeDir, appData: credentials.appData, localAppData: credentials.localAppData });
  if (cliDatabase) {
    try {
      return readKiroCliCredential(cliDatabase, kiro.region);
    } catch (err) {
      throw new CredentialsError(`Cannot read the kiro-cli login at ${cliDatabase}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

/** IdC logins keep their OIDC client in `{clientIdHash}.json` beside the token (kiro-protocol.md §1.1). */
async function registrationFor(json: Json, config: GatewayConfig): Promise<Json | undefined> {
  const hash = typeof json.clientIdHash === 'string' ? json.clientIdHash : undefined;
  if (!hash || !config.credentials.homeDir || !/^[A-Za-z0-9_-]+$/.test(hash)) return undefined;
  const path = join(config.credentials.homeDir, '.aws', 'sso', 'cache', `${hash}.json`);
  return readJsonFile(path, 'Kiro client registration').catch(() => undefined);
}

function fromCredsJson(json: Json, source: KiroCredential['source'], config: GatewayConfig, registration?: Json): KiroCredential {
  const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const refreshToken = str(json.refreshToken) ?? str(json.refresh_token);
  if (!refreshToken) throw new CredentialsError(`The Kiro credentials (${source.kind}) contain no refreshToken`);
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

async function readJsonFile(path: string, what: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw Object.assign(new CredentialsError(`Cannot read ${what} at ${path}: ${missing ? 'no such file' : (err as Error).message}`), { missing });
  }
  return parseObject(text, `${what} at ${path}`);
}

async function fetchJson(url: string): Promise<Json> {
  const origin = new URL(url).origin;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new CredentialsError(`Cannot fetch the credentials from ${origin}: ${(err as Error).message}`);
  }
  if (!response.ok) throw new CredentialsError(`Fetching the credentials from ${origin} answered HTTP ${response.status}`);
  return parseObject(await response.text(), `credentials from ${origin}`);
}

function parseObject(text: string, what: string): Json {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch {
    // reported below, without echoing the content (it holds secrets)
  }
  throw new CredentialsError(`The ${what} is not a JSON object`);
}
