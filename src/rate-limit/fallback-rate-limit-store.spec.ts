import { FallbackRateLimitStore } from './fallback-rate-limit-store';
import type { RateLimitStore, WindowCount } from './rate-limit-store';

class FlakyStore implements RateLimitStore {
  down = false;
  async hit(_key: string, windowMs: number, now: number): Promise<WindowCount> {
    if (this.down) throw new Error('Command timed out');
    return { count: 100, resetAt: now + windowMs };
  }
}

describe(FallbackRateLimitStore.name, () => {
  it('uses the shared count while it answers, and counts locally while it does not (limits stay on)', async () => {
    const shared = new FlakyStore();
    const store = new FallbackRateLimitStore(shared);

    expect((await store.hit('rl:gateway', 60_000, 0)).count).toBe(100);
    shared.down = true;
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push((await store.hit('rl:gateway', 60_000, 1)).count);

    expect(counts).toEqual([1, 2, 3]);
  });
});
