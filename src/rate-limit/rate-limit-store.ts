/** One counting window of one principal. */
export interface WindowCount {
  count: number;
  /** Epoch ms when the window ends. */
  resetAt: number;
}

/** A bucket a request counts in: its store key and its requests per window. */
export interface BucketHit {
  key: string;
  limit: number;
}

/**
 * Where request counts live: in memory here, shared (Redis) when replicas must agree.
 * `hit` counts the request in each bucket in turn, all in one call (one round trip to Redis),
 * and stops after the first bucket it takes over its limit: a refused request counts no further.
 * The answer holds one count per bucket counted, in order.
 */
export interface RateLimitStore {
  hit(buckets: readonly BucketHit[], windowMs: number, now: number): Promise<WindowCount[]>;
}

export const RateLimitStore = Symbol('RateLimitStore');

/** Fixed one-minute windows per principal, in memory; stale windows are dropped as they are met. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, WindowCount>();

  async hit(buckets: readonly BucketHit[], windowMs: number, now: number): Promise<WindowCount[]> {
    const counts: WindowCount[] = [];
    for (const { key, limit } of buckets) {
      let window = this.windows.get(key);
      if (!window || window.resetAt <= now) {
        window = { count: 0, resetAt: now + windowMs };
        this.windows.set(key, window);
        if (this.windows.size > 10_000) this.sweep(now);
      }
      window.count++;
      counts.push({ ...window });
      if (window.count > limit) break;
    }
    return counts;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
