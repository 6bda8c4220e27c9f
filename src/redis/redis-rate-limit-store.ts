import type Redis from 'ioredis';
import type { BucketHit, RateLimitStore, WindowCount } from '../rate-limit/rate-limit-store';

/**
 * Counts and starts each window atomically, so replicas share one count per principal; every
 * bucket of a request in one script (one round trip), stopping after the first over its limit.
 * KEYS: the buckets; ARGV[1]: the window in ms, ARGV[1 + i]: the limit of KEYS[i].
 */
const HIT = `local out = {}
for i, key in ipairs(KEYS) do
  local c = redis.call('INCR', key)
  if c == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  out[#out + 1] = c
  out[#out + 1] = redis.call('PTTL', key)
  if c > tonumber(ARGV[i + 1]) then break end
end
return out`;

export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly redis: Redis) {}

  async hit(buckets: readonly BucketHit[], windowMs: number, now: number): Promise<WindowCount[]> {
    if (buckets.length === 0) return [];
    const keys = buckets.map((bucket) => `kiro-gateway:${bucket.key}`);
    const flat = (await this.redis.eval(HIT, keys.length, ...keys, String(windowMs), ...buckets.map((bucket) => String(bucket.limit)))) as number[];
    const counts: WindowCount[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) counts.push({ count: flat[i], resetAt: now + Math.max(0, flat[i + 1]) });
    return counts;
  }
}
