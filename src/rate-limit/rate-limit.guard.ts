import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Clock } from '../common/clock';
import { GatewayError } from '../common/errors';
import type { Principal } from '../auth/principal';
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
 * The buckets a request counts in: RATE_LIMIT_PER_MINUTE per tenant, or per client key (the
 * full hash of a tenant's token: a prefix of it would let made-up tokens share, or dodge,
 * another tenant's bucket); a key's own rate limit replaces the global one for the key and
 * holds for its tenants too. PROXY_API_KEY keeps its bucket `gateway`.
 */
export function bucketsOf(principal: Principal, globalLimit: number): Array<{ name: string; limit: number }> {
  const buckets: Array<{ name: string; limit: number }> = [];
  const key = principal.key;
  const keyBucket = !key || key.source === 'default' ? 'gateway' : `key:${key.id}`;
  if (principal.kind === 'tenant') {
    if (globalLimit > 0) buckets.push({ name: `tenant:${principal.tokenHash}`, limit: globalLimit });
    if (key?.rateLimitPerMinute !== undefined) buckets.push({ name: keyBucket, limit: key.rateLimitPerMinute });
  } else {
    const limit = key?.rateLimitPerMinute ?? globalLimit;
    if (limit > 0) buckets.push({ name: keyBucket, limit });
  }
  return buckets;
}

/**
 * RATE_LIMIT_PER_MINUTE per proxy key or tenant (or a key's own limit, see bucketsOf), with OpenAI's `x-ratelimit-*` headers on every
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
    const http = context.switchToHttp();
    const principal = requestContextOf(http.getRequest<FastifyRequest>()).caller;
    const buckets = bucketsOf(principal, this.config.rateLimitPerMinute);
    if (buckets.length === 0) return true;
    const now = this.clock.now();
    // On the raw response: a stream is written past Fastify, which would drop headers of its own.
    const response = http.getResponse<FastifyReply>().raw;
    // Every bucket in one call: a tenant behind a key with its own limit waits on one round trip to Redis, not two.
    const windows = await this.store.hit(buckets.map(({ name, limit }) => ({ key: `rl:${name}`, limit })), WINDOW_MS, now);
    for (const [i, window] of windows.entries()) {
      const { limit } = buckets[i];
      const resetSeconds = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
      // The headers of the last bucket counted: the key's own limit, where it has one.
      response.setHeader('x-ratelimit-limit-requests', String(limit));
      response.setHeader('x-ratelimit-remaining-requests', String(Math.max(0, limit - window.count)));
      response.setHeader('x-ratelimit-reset-requests', `${resetSeconds}s`);
      if (window.count > limit) {
        this.metrics.rateLimited.inc({ principal: this.metrics.principalLabel(principal) });
        throw new RateLimitedError(limit, resetSeconds);
      }
    }
    return true;
  }
}
