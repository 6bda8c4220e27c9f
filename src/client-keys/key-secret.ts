import { createHash, randomBytes } from 'node:crypto';

/** Created keys start with this, so that leaked ones are recognisable (secret scanners, logs). */
export const CREATED_KEY_PREFIX = 'kgw_';

/** A new key: the prefix and 32 random bytes (256 bits), base64url. */
export function newKeySecret(): string {
  return CREATED_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Hex SHA-256 of a presented or stored key: the only form a created key is kept in. */
export function keyDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** What the console shows of a key: its first characters, never enough to use it. */
export function keyHint(secret: string): string {
  return `${secret.slice(0, CREATED_KEY_PREFIX.length + 4)}…`;
}
