import { Logger } from '@nestjs/common';
import { type BucketHit, MemoryRateLimitStore, type RateLimitStore, type WindowCount } from './rate-limit-store';

/**
 * The shared (Redis) count, and this replica's own count when the shared store fails: limits stay
 * on while Redis is down, per replica instead of for all of them (failing open would let anyone
 * past every limit for as long as Redis is away).
 */
export class FallbackRateLimitStore implements RateLimitStore {
  private readonly logger = new Logger('RateLimit');
  private readonly local = new MemoryRateLimitStore();
  private lastWarning = 0;

  constructor(private readonly shared: RateLimitStore) {}

  async hit(buckets: readonly BucketHit[], windowMs: number, now: number): Promise<WindowCount[]> {
    try {
      return await this.shared.hit(buckets, windowMs, now);
    } catch (err) {
      if (now - this.lastWarning > 10_000) {
        this.lastWarning = now;
        this.logger.warn(`Shared rate-limit store unavailable, counting on this replica: ${(err as Error).message}`);
      }
      return this.local.hit(buckets, windowMs, now);
    }
  }
}
