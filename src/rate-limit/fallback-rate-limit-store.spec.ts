import { FallbackRateLimitStore } from './fallback-rate-limit-store';
import type { BucketHit, RateLimitStore, WindowCount } from './rate-limit-store';

class FlakyStore implements RateLimitStore {
  down = false;
  calls = 0;
  async hit(buckets: readonly BucketHit[], windowMs: number, now: number): Promise<WindowCount[]> {
    this.calls++;
    if (this.down) throw new Error('Command timed out');
    return buckets.map(() => ({ count: 100, resetAt: now + windowMs }));
  }
}

const gateway = [{ key: 'rl:gateway', limit: 1_000 }];

describe(FallbackRateLimitStore.name, () => {
  it('uses the shared count while it answers, and counts locally while it does not (limits stay on)', async () => {
    const shared = new FlakyStore();
    const store = new FallbackRateLimitStore(shared);

    expect((await store.hit(gateway, 60_000, 0))[0].count).toBe(100);
    shared.down = true;
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push((await store.hit(gateway, 60_000, 1))[0].count);

    expect(counts).toEqual([1, 2, 3]);
  });

  it('asks the shared store once for all of a request\'s buckets, and counts them all locally while it is down', async () => {
    const shared = new FlakyStore();
    const store = new FallbackRateLimitStore(shared);
    const buckets = [{ key: 'rl:key:k', limit: 1 }, { key: 'rl:tenant:h', limit: 10 }];

    const up = await store.hit(buckets, 60_000, 0);
    shared.down = true;
    const first = await store.hit(buckets, 60_000, 1);
    const second = await store.hit(buckets, 60_000, 1);

    expect(up.map((w) => w.count)).toEqual([100, 100]);
    expect(shared.calls).toBe(3);
    expect(first.map((w) => w.count)).toEqual([1, 1]);
    // The key's bucket went over its limit of 1: the refused request counts no further.
    expect(second.map((w) => w.count)).toEqual([2]);
  });
});
