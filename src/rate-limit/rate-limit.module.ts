import { Global, Module } from '@nestjs/common';
import { Clock, systemClock } from '../common/clock';
import type Redis from 'ioredis';
import { RedisConnection } from '../redis/redis.module';
import { RedisRateLimitStore } from '../redis/redis-rate-limit-store';
import { MemoryRateLimitStore, RateLimitStore } from './rate-limit-store';
import { RateLimitGuard } from './rate-limit.guard';

@Global()
@Module({
  providers: [
    RateLimitGuard,
    {
      provide: RateLimitStore,
      inject: [RedisConnection],
      // Replicas share counts through Redis; one process counts in memory.
      useFactory: (redis: Redis | null) => (redis ? new RedisRateLimitStore(redis) : new MemoryRateLimitStore()),
    },
    { provide: Clock, useValue: systemClock },
  ],
  exports: [RateLimitGuard, RateLimitStore, Clock],
})
export class RateLimitModule {}
