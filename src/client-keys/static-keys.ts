import { DEFAULT_KEY_NAME, KEY_NAME, KEY_NAME_RULE, MAX_CLIENT_KEYS } from './client-key';

/** One PROXY_API_KEYS entry, as parsed (the secret is hashed when the registry is built). */
export interface StaticKeyEntry {
  name: string;
  secret: string;
}

/** Printable ASCII without spaces, commas or colons (`KEY:REFRESH_TOKEN` splits at the first colon). */
const STATIC_SECRET = /^[\x21-\x2b\x2d-\x39\x3b-\x7e]{16,512}$/;

/**
 * PROXY_API_KEYS: comma-separated `name:key` entries (`ci:3f9…,alice:8d2…`). Every bad entry is
 * one problem naming its position (never the key); names are unique, `default` is PROXY_API_KEY's.
 */
export function parseStaticKeys(raw: string | undefined, reserved: readonly string[] = []): { keys: StaticKeyEntry[]; problems: string[] } {
  const keys: StaticKeyEntry[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw.trim() === '') return { keys, problems };
  const entries = raw.split(',');
  if (entries.length > MAX_CLIENT_KEYS) return { keys, problems: [`holds ${entries.length} entries; at most ${MAX_CLIENT_KEYS} keys are allowed`] };
  const names = new Set<string>();
  const secrets = new Set<string>(reserved);
  entries.forEach((text, index) => {
    const where = `entry ${index + 1}`;
    const entry = text.trim();
    const separator = entry.indexOf(':');
    if (separator < 0) {
      problems.push(`${where} is not name:key${entry === '' ? ' (it is empty)' : ''}`);
      return;
    }
    const name = entry.slice(0, separator).trim();
    const secret = entry.slice(separator + 1).trim();
    if (!KEY_NAME.test(name)) problems.push(`${where}: the name must be ${KEY_NAME_RULE}`);
    else if (name === DEFAULT_KEY_NAME) problems.push(`${where}: the name '${DEFAULT_KEY_NAME}' is PROXY_API_KEY's; choose another`);
    else if (names.has(name)) problems.push(`${where}: the name '${name}' is used twice`);
    if (!STATIC_SECRET.test(secret)) problems.push(`${where}${KEY_NAME.test(name) ? ` ('${name}')` : ''}: the key must be 16 to 512 printable characters without spaces, commas or colons`);
    else if (secrets.has(secret)) problems.push(`${where}${KEY_NAME.test(name) ? ` ('${name}')` : ''}: the key is the same as another key (PROXY_API_KEY, ADMIN_API_KEY or an earlier entry)`);
    names.add(name);
    secrets.add(secret);
    keys.push({ name, secret });
  });
  return { keys: problems.length > 0 ? [] : keys, problems };
}
