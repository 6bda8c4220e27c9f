export { RateLimitModule } from './rate-limit.module';
export { RateLimitGuard, RateLimitedError } from './rate-limit.guard';
