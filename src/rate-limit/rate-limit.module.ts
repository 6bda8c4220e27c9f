import { Global, Module } from '@nestjs/common';
import { storeProvider } from '../redis/redis.module';
import { RedisRateLimitStore } from '../redis/redis-rate-limit-store';
import { FallbackRateLimitStore } from './fallback-rate-limit-store';
import { MemoryRateLimitStore, RateLimitStore } from './rate-limit-store';
import { RateLimitGuard } from './rate-limit.guard';

@Global()
@Module({
  providers: [
    RateLimitGuard,
    // Replicas share counts through Redis (each counting alone while it is down); one process counts in memory.
    storeProvider<RateLimitStore>(RateLimitStore, {
      memory: () => new MemoryRateLimitStore(),
      redis: (redis) => new FallbackRateLimitStore(new RedisRateLimitStore(redis)),
    }),
  ],
  exports: [RateLimitGuard, RateLimitStore],
})
export class RateLimitModule {}
