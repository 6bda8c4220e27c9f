import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock } from '../common/clock';
import { GatewayError } from '../common/errors';
import { requestContextOf } from '../common/request-context';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { MetricsService } from '../metrics';
import { RateLimitStore } from './rate-limit-store';

const WINDOW_MS = 60_000;

export class RateLimitedError extends GatewayError {
  constructor(limit: number, retryAfterSeconds: number) {
    super(`Rate limit of ${limit} requests per minute reached for this key. Try again in ${retryAfterSeconds} s.`, {
      kind: 'rate_limited',
      code: 'rate_limit_exceeded',
      retryAfterSeconds,
    });
  }
}

/**
 * RATE_LIMIT_PER_MINUTE per proxy key or tenant, with OpenAI's `x-ratelimit-*` headers on every
 * answer and `Retry-After` on a refusal. Runs after the key guard, which names the principal.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(RateLimitStore) private readonly store: RateLimitStore,
    @Inject(Clock) private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.config.rateLimitPerMinute;
    if (limit <= 0) return true;
    const http = context.switchToHttp();
    const principal = requestContextOf(http.getRequest<Request>()).caller;
    // The full hash: a prefix of it would let made-up tokens share (or dodge) another tenant's bucket.
    const key = principal.kind === 'tenant' ? `tenant:${principal.tokenHash}` : 'gateway';
    const now = this.clock.now();
    const window = await this.store.hit(`rl:${key}`, WINDOW_MS, now);
    const resetSeconds = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
    const response = http.getResponse<Response>();
    response.setHeader('x-ratelimit-limit-requests', String(limit));
    response.setHeader('x-ratelimit-remaining-requests', String(Math.max(0, limit - window.count)));
    response.setHeader('x-ratelimit-reset-requests', `${resetSeconds}s`);
    if (window.count > limit) {
      this.metrics.rateLimited.inc({ principal: this.metrics.principalLabel(principal) });
      throw new RateLimitedError(limit, resetSeconds);
    }
    return true;
  }
}
