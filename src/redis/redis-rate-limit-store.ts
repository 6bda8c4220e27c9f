import type Redis from 'ioredis';
import type { RateLimitStore, WindowCount } from '../rate-limit/rate-limit-store';

/** Counts and starts the window atomically, so replicas share one count per principal. */
const HIT = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {c, redis.call('PTTL', KEYS[1])}`;

export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly redis: Redis) {}

  async hit(key: string, windowMs: number, now: number): Promise<WindowCount> {
    const [count, ttl] = (await this.redis.eval(HIT, 1, `kiro-gateway:${key}`, String(windowMs))) as [number, number];
    return { count, resetAt: now + Math.max(0, ttl) };
  }
}
