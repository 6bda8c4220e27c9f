import { Global, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisConnection } from '../redis/redis.module';
import { RedisRateLimitStore } from '../redis/redis-rate-limit-store';
import { FallbackRateLimitStore } from './fallback-rate-limit-store';
import { MemoryRateLimitStore, RateLimitStore } from './rate-limit-store';
import { RateLimitGuard } from './rate-limit.guard';

@Global()
@Module({
  providers: [
    RateLimitGuard,
    {
      provide: RateLimitStore,
      inject: [RedisConnection],
      // Replicas share counts through Redis (each counting alone while it is down); one process counts in memory.
      useFactory: (redis: Redis | null) => (redis ? new FallbackRateLimitStore(new RedisRateLimitStore(redis)) : new MemoryRateLimitStore()),
    },
  ],
  exports: [RateLimitGuard, RateLimitStore],
})
export class RateLimitModule {}
