import { AuthenticationError, GatewayError } from '../common/errors';
import { LruMap } from '../common/lru-map';

/** Tokens remembered (refused, known good) and addresses followed, each at most. */
const MAX_TOKENS = 10_000;
const MAX_ADDRESSES = 10_000;
/** Kiro refused the token for good (400/401/403): no point asking again for an hour. */
const REFUSED_FOR_MS = 60 * 60 * 1000;
const NEW_TENANT_WINDOW_MS = 60 * 60 * 1000;

export class TooManyNewTenantsError extends GatewayError {
  constructor(limit: number, retryAfterSeconds: number) {
    super(`This address has brought ${limit} new tenant tokens within the hour (NEW_TENANTS_PER_IP). Try again in ${retryAfterSeconds} s.`, {
      kind: 'rate_limited',
      code: 'too_many_new_tenants',
      retryAfterSeconds,
    });
  }
}

interface NewTenants {
  windowStart: number;
  tokens: Set<string>;
}

/**
 * What a `KEY:REFRESH_TOKEN` caller may cost before its token is known good. Each token not seen
 * before means a call to Kiro's token service, and anyone with the key can make up tokens: so
 * tokens Kiro refused are answered 401 at once for an hour, and one client address may bring at
 * most `newPerAddress` unknown tokens an hour. All keyed by the token's full hash, bounded (LRU).
 */
export class TenantGate {
  private readonly refused = new LruMap<string, number>(MAX_TOKENS);
  private readonly known = new LruMap<string, true>(MAX_TOKENS);
  private readonly newByAddress = new LruMap<string, NewTenants>(MAX_ADDRESSES);

  constructor(
    /** New tokens per address per hour; 0: any number. */
    private readonly newPerAddress: number,
    private readonly now: () => number,
  ) {}

  /** Throws when the token was refused, or when the address brought too many new tokens. */
  admit(tokenHash: string, address: string): void {
    const now = this.now();
    const refusedAt = this.refused.get(tokenHash);
    if (refusedAt !== undefined && now - refusedAt < REFUSED_FOR_MS) {
      throw new AuthenticationError('Kiro refused this refresh token (expired, revoked or rotated elsewhere). Log in to Kiro again and send the new one.');
    }
    if (this.newPerAddress <= 0 || this.known.has(tokenHash)) return;
    let entry = this.newByAddress.get(address);
    if (!entry || now - entry.windowStart >= NEW_TENANT_WINDOW_MS) {
      entry = { windowStart: now, tokens: new Set() };
      this.newByAddress.set(address, entry);
    }
    if (entry.tokens.has(tokenHash)) return;
    if (entry.tokens.size >= this.newPerAddress) {
      throw new TooManyNewTenantsError(this.newPerAddress, Math.max(1, Math.ceil((entry.windowStart + NEW_TENANT_WINDOW_MS - now) / 1000)));
    }
    entry.tokens.add(tokenHash);
  }

  /** Kiro's token service accepted the token: it is a real tenant. */
  rememberGood(tokenHash: string): void {
    this.refused.delete(tokenHash);
    this.known.set(tokenHash, true);
  }

  /**
   * Kiro's token service refused the token. One that worked before is not shut out: its refusal
   * may be a rotation race between replicas, which the session's own short back-off rides out.
   */
  rememberRefused(tokenHash: string): void {
    if (this.known.has(tokenHash)) return;
    this.refused.set(tokenHash, this.now());
  }
}
