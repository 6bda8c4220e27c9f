import { Global, Module } from '@nestjs/common';
import { Clock, systemClock } from '../common/clock';
import { MemoryRateLimitStore, RateLimitStore } from './rate-limit-store';
import { RateLimitGuard } from './rate-limit.guard';

@Global()
@Module({
  providers: [RateLimitGuard, { provide: RateLimitStore, useClass: MemoryRateLimitStore }, { provide: Clock, useValue: systemClock }],
  exports: [RateLimitGuard, RateLimitStore, Clock],
})
export class RateLimitModule {}
