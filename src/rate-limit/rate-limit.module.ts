import { Global, Module } from '@nestjs/common';
import { storeProvider } from '../redis/redis.module';
import { RedisRateLimitStore } from '../redis/redis-rate-limit-store';
import { MemoryRateLimitStore, RateLimitStore } from './rate-limit-store';
import { RateLimitGuard } from './rate-limit.guard';

@Global()
@Module({
  providers: [
    RateLimitGuard,
    storeProvider<RateLimitStore>(RateLimitStore, { memory: () => new MemoryRateLimitStore(), redis: (redis) => new RedisRateLimitStore(redis) }),
  ],
  exports: [RateLimitGuard, RateLimitStore],
})
export class RateLimitModule {}
