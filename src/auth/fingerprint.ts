import { createHash } from 'node:crypto';

/** sha256 of a secret, for cache keys and log-safe identities (never the secret itself). */
export function fingerprint(secret: string, prefix = ''): string {
  return createHash('sha256').update(prefix + secret).digest('hex');
}
