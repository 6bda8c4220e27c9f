/** One counting window of one principal. */
export interface WindowCount {
  count: number;
  /** Epoch ms when the window ends. */
  resetAt: number;
}

/** Where request counts live: in memory here, shared (Redis) when replicas must agree. */
export interface RateLimitStore {
  hit(key: string, windowMs: number, now: number): Promise<WindowCount>;
}

export const RateLimitStore = Symbol('RateLimitStore');

/** Fixed one-minute windows per principal, in memory; stale windows are dropped as they are met. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, WindowCount>();

  async hit(key: string, windowMs: number, now: number): Promise<WindowCount> {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
      if (this.windows.size > 10_000) this.sweep(now);
    }
    window.count++;
    return { ...window };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
