import { TokenManager } from './token-manager';

interface Entry {
  session: TokenManager;
  lastUsed: number;
}

/**
 * Tenants' token managers, keyed by a hash of the refresh token: a tenant's hundredth request
 * reuses its access token, and its concurrent first requests share one refresh. Bounded (LRU)
 * with idle expiry, so the map cannot grow without limit.
 */
export class TenantSessions {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly idleMs: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Tenants whose session holds a valid access token now (one whose only refresh failed does not count). */
  get usable(): number {
    let count = 0;
    for (const { session } of this.entries.values()) if (session.hasValidToken) count++;
    return count;
  }

  getOrCreate(key: string, create: () => TokenManager): TokenManager {
    const now = this.now();
    const found = this.entries.get(key);
    if (found && now - found.lastUsed <= this.idleMs) {
      // Re-insert so that Map order stays least-recently-used first.
      this.entries.delete(key);
      found.lastUsed = now;
      this.entries.set(key, found);
      return found.session;
    }
    this.entries.delete(key);
    this.evict(now);
    const session = create();
    this.entries.set(key, { session, lastUsed: now });
    return session;
  }

  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size < this.maxEntries && now - entry.lastUsed <= this.idleMs) break;
      this.entries.delete(key);
    }
  }
}
