import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { fingerprint } from '../auth/fingerprint';
import type { Principal } from '../auth/principal';
import type { Clock } from '../common/clock';
import { attachRequestContext, RequestContext } from '../common/request-context';
import { parseGatewayEnv } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { RateLimitGuard } from './rate-limit.guard';
import type { RateLimitStore, WindowCount } from './rate-limit-store';

class RecordingStore implements RateLimitStore {
  readonly keys: string[] = [];
  async hit(key: string, windowMs: number, now: number): Promise<WindowCount> {
    this.keys.push(key);
    return { count: 1, resetAt: now + windowMs };
  }
}

/** The guard reads the caller from the request's context, where ProxyKeyGuard put it. */
function contextFor(principal: Principal): ExecutionContext {
  const request = {} as Request;
  const requestContext = new RequestContext('req_test', 0n, undefined);
  requestContext.principal = principal;
  attachRequestContext(request, requestContext);
  const response = { setHeader: () => undefined };
  return { switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ExecutionContext;
}

describe(RateLimitGuard.name, () => {
  it("keys a tenant's bucket by the full hash of its token, so made-up tokens cannot share or dodge one", async () => {
    const store = new RecordingStore();
    const clock: Clock = { now: () => 0, sleep: async () => undefined };
    const guard = new RateLimitGuard(parseGatewayEnv({ PROXY_API_KEY: 'k', RATE_LIMIT_PER_MINUTE: '10' }), store, clock, new MetricsService());

    await guard.canActivate(contextFor({ kind: 'tenant', refreshToken: 'aorT', tokenHash: fingerprint('aorT') }));
    await guard.canActivate(contextFor({ kind: 'gateway' }));

    expect(store.keys).toEqual([`rl:tenant:${fingerprint('aorT')}`, 'rl:gateway']);
  });
});
