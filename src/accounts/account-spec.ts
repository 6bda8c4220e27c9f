/**
 * KIRO_ACCOUNTS_FILE: the accounts the gateway pools, parsed and checked once at start-up (and
 * again for each account the admin API adds). Pure: no Nest, no I/O.
 */

/** How an account logs in: any form the gateway already reads, or a Kiro API key. */
export type AccountCredentialSpec =
  /** Inline in the accounts file; a rotated refresh token is written back into the file's entry. */
  | { kind: 'refresh-token'; refreshToken: string; accessToken?: string; expiresAt?: number; clientId?: string; clientSecret?: string; authMethod?: string }
  /** A Kiro IDE token file (`kiro-auth-token.json` shape), written back in place. */
  | { kind: 'creds-file'; path: string }
  /** A kiro-cli SQLite database. */
  | { kind: 'kiro-cli'; path: string }
  /** `ksk_…`: sent as the bearer with `tokentype: API_KEY`, never refreshed (kiro-protocol.md §1.1). */
  | { kind: 'api-key'; apiKey: string };

export interface AccountSpec {
  name: string;
  credential: AccountCredentialSpec;
  /** Lower tiers are used first; 0 by default. */
  priority: number;
  /** Share of traffic within its tier (round_robin, least_used); 1 by default. */
  weight: number;
  /** Requests in flight at once; undefined: ACCOUNT_MAX_CONCURRENCY. */
  maxConcurrency: number | undefined;
  /** http://, https:// or socks5:// proxy for every call of this account (refresh included). */
  proxy: string | undefined;
  profileArn: string | undefined;
  /** The login's region (SSO refreshes); also the default of the two below. */
  region: string | undefined;
  authRegion: string | undefined;
  apiRegion: string | undefined;
  machineId: string | undefined;
  /** Disabled by the operator: kept in the file, never used. */
  disabled: boolean;
}

/** A bound on the file: the pool is scanned on every request. */
export const MAX_ACCOUNTS = 1000;
export const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const KNOWN_FIELDS = new Set([
  'name', 'refreshToken', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'authMethod', 'credsFile', 'kiroCliDb', 'apiKey', 'kiroApiKey',
  'priority', 'weight', 'maxConcurrency', 'proxy', 'profileArn', 'region', 'authRegion', 'apiRegion', 'machineId', 'disabled',
]);

export interface ParsedAccounts {
  accounts: AccountSpec[];
  /** One line per problem, each naming the account (or its index) and the field. */
  problems: string[];
}

/** `{"accounts": [...]}` or a bare array of account objects. */
export function parseAccountsFile(text: string): ParsedAccounts {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { accounts: [], problems: [`is not valid JSON (${(err as Error).message})`] };
  }
  const list = Array.isArray(json) ? json : isObject(json) && Array.isArray(json.accounts) ? json.accounts : undefined;
  if (!list) return { accounts: [], problems: ['must hold {"accounts": [ ... ]} or an array of accounts'] };
  if (list.length > MAX_ACCOUNTS) return { accounts: [], problems: [`lists ${list.length} accounts; at most ${MAX_ACCOUNTS}`] };
  const problems: string[] = [];
  const accounts: AccountSpec[] = [];
  const names = new Set<string>();
  list.forEach((entry: unknown, index: number) => {
    const parsed = parseAccountEntry(entry, `accounts[${index}]`);
    problems.push(...parsed.problems);
    if (!parsed.account) return;
    if (names.has(parsed.account.name)) {
      problems.push(`accounts[${index}]: the name "${parsed.account.name}" is used twice`);
      return;
    }
    names.add(parsed.account.name);
    accounts.push(parsed.account);
  });
  return { accounts, problems };
}

/** One account object, as in the file or as the admin API receives it. */
export function parseAccountEntry(entry: unknown, where: string): { account?: AccountSpec; problems: string[] } {
  const problems: string[] = [];
  if (!isObject(entry)) return { problems: [`${where} must be an object`] };
  const name = typeof entry.name === 'string' ? entry.name.trim() : '';
  const at = ACCOUNT_NAME.test(name) ? `account "${name}"` : where;
  if (!ACCOUNT_NAME.test(name)) problems.push(`${where}.name must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit)`);
  const unknown = Object.keys(entry).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) problems.push(`${at} has unknown field(s) ${unknown.slice(0, 5).join(', ')}`);

  const text = (field: string): string | undefined => {
    const value = entry[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !value.trim() || value.length > 16_384) {
      problems.push(`${at}.${field} must be a non-empty string`);
      return undefined;
    }
    return value.trim();
  };
  const integer = (field: string, min: number, max: number): number | undefined => {
    const value = entry[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${at}.${field} must be a whole number from ${min} to ${max}`);
      return undefined;
    }
    return value;
  };
  const region = (field: string): string | undefined => {
    const value = text(field);
    if (value !== undefined && !REGION.test(value)) problems.push(`${at}.${field} must be an AWS region such as us-east-1`);
    return value !== undefined && REGION.test(value) ? value : undefined;
  };

  const credential = credentialOf(entry, at, text, problems);
  const proxy = text('proxy');
  if (proxy !== undefined && !isProxyUrl(proxy)) problems.push(`${at}.proxy must be an http://, https:// or socks5:// URL`);
  if (entry.disabled !== undefined && typeof entry.disabled !== 'boolean') problems.push(`${at}.disabled must be true or false`);
  const account: AccountSpec = {
    name,
    credential: credential ?? { kind: 'api-key', apiKey: '' },
    priority: integer('priority', 0, 1000) ?? 0,
    weight: integer('weight', 1, 1000) ?? 1,
    maxConcurrency: integer('maxConcurrency', 1, 10_000),
    proxy: proxy !== undefined && isProxyUrl(proxy) ? proxy : undefined,
    profileArn: text('profileArn'),
    region: region('region'),
    authRegion: region('authRegion'),
    apiRegion: region('apiRegion'),
    machineId: text('machineId'),
    disabled: entry.disabled === true,
  };
  return problems.length > 0 || !credential ? { problems } : { account, problems };
}

function credentialOf(
  entry: Record<string, unknown>,
  at: string,
  text: (field: string) => string | undefined,
  problems: string[],
): AccountCredentialSpec | undefined {
  const refreshToken = text('refreshToken');
  const credsFile = text('credsFile');
  const kiroCliDb = text('kiroCliDb');
  const apiKey = text('apiKey') ?? text('kiroApiKey');
  const forms = [refreshToken, credsFile, kiroCliDb, apiKey].filter((form) => form !== undefined).length;
  if (forms !== 1) {
    problems.push(`${at} needs exactly one of refreshToken, credsFile, kiroCliDb or apiKey (has ${forms})`);
    return undefined;
  }
  if (apiKey !== undefined) {
    if (!apiKey.startsWith('ksk_')) {
      problems.push(`${at}.apiKey must be a Kiro API key (ksk_…)`);
      return undefined;
    }
    return { kind: 'api-key', apiKey };
  }
  if (credsFile !== undefined) return { kind: 'creds-file', path: credsFile };
  if (kiroCliDb !== undefined) return { kind: 'kiro-cli', path: kiroCliDb };
  const expiresText = text('expiresAt');
  const expiresAt = expiresText === undefined ? undefined : Date.parse(expiresText);
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) problems.push(`${at}.expiresAt must be an ISO-8601 date`);
  return {
    kind: 'refresh-token',
    refreshToken: refreshToken as string,
    accessToken: text('accessToken'),
    expiresAt: expiresAt !== undefined && !Number.isNaN(expiresAt) ? expiresAt : undefined,
    clientId: text('clientId'),
    clientSecret: text('clientSecret'),
    authMethod: text('authMethod'),
  };
}

export function isProxyUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return ['http:', 'https:', 'socks5:', 'socks:'].includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The proxy URL as it may be shown: scheme, host and port (its user and password are secrets). */
export function maskProxy(proxy: string | undefined): string | undefined {
  if (!proxy) return undefined;
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.username ? '***@' : ''}${url.host}`;
  } catch {
    return '***';
  }
}

/** A secret as it may be shown: its kind and last four characters. */
export function maskSecret(secret: string | undefined): string | undefined {
  if (!secret) return undefined;
  const prefix = secret.startsWith('ksk_') ? 'ksk_' : '';
  return secret.length <= 12 ? `${prefix}***` : `${prefix}***${secret.slice(-4)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
