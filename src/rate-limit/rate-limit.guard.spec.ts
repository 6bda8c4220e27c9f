import type { ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { fingerprint } from '../auth/fingerprint';
import type { Principal } from '../auth/principal';
import type { Clock } from '../common/clock';
import { attachRequestContext, RequestContext } from '../common/request-context';
import { parseGatewayEnv } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { bucketsOf, RateLimitGuard } from './rate-limit.guard';
import { type ClientKey, NO_LIMITS } from '../client-keys/client-key';
import { type BucketHit, MemoryRateLimitStore, type RateLimitStore, type WindowCount } from './rate-limit-store';

/** Counts like the memory store, recording each call (one call: one round trip to Redis). */
class RecordingStore implements RateLimitStore {
  readonly keys: string[] = [];
  readonly calls: string[][] = [];
  private readonly counting = new MemoryRateLimitStore();
  async hit(buckets: readonly BucketHit[], windowMs: number, now: number): Promise<WindowCount[]> {
    this.calls.push(buckets.map((bucket) => bucket.key));
    this.keys.push(...buckets.map((bucket) => bucket.key));
    return this.counting.hit(buckets, windowMs, now);
  }
}

/** The guard reads the caller from the request's context, where ProxyKeyGuard put it. */
function contextFor(principal: Principal): ExecutionContext {
  const request = {} as FastifyRequest;
  const requestContext = new RequestContext('req_test', 0n, undefined);
  requestContext.principal = principal;
  attachRequestContext(request, requestContext);
  const response = { raw: { setHeader: () => undefined } };
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

  it("counts a tenant and its key's own limit in one call to the store, refusing on either", async () => {
    const store = new RecordingStore();
    const clock: Clock = { now: () => 0, sleep: async () => undefined };
    const guard = new RateLimitGuard(parseGatewayEnv({ PROXY_API_KEY: 'k', RATE_LIMIT_PER_MINUTE: '10' }), store, clock, new MetricsService());
    const key: ClientKey = { ...NO_LIMITS, id: 'key_0123456789ab', name: 'ci', source: 'created', digest: '0'.repeat(64), hint: undefined, enabled: true, createdAt: undefined, rateLimitPerMinute: 2 };
    const tenant: Principal = { kind: 'tenant', refreshToken: 'aorT', tokenHash: fingerprint('aorT'), key };

    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) outcomes.push(await guard.canActivate(contextFor(tenant)).then(() => 'ok', (err: Error) => err.constructor.name));

    expect(outcomes).toEqual(['ok', 'ok', 'RateLimitedError']);
    expect(store.calls).toEqual(Array.from({ length: 3 }, () => [`rl:tenant:${fingerprint('aorT')}`, 'rl:key:key_0123456789ab']));
  });
});

describe(bucketsOf.name, () => {
  const key = (rateLimitPerMinute?: number, source: ClientKey['source'] = 'created'): ClientKey => ({ ...NO_LIMITS, id: 'key_0123456789ab', name: 'ci', source, digest: '0'.repeat(64), hint: undefined, enabled: true, createdAt: undefined, rateLimitPerMinute });
  const tenant = (k?: ClientKey) => ({ kind: 'tenant' as const, refreshToken: 'aorT', tokenHash: 'h'.repeat(64), key: k });

  it('keeps PROXY_API_KEY in its `gateway` bucket, and gives every other key its own', () => {
    expect(bucketsOf({ kind: 'gateway', key: key(undefined, 'default') }, 10)).toEqual([{ name: 'gateway', limit: 10 }]);
    expect(bucketsOf({ kind: 'gateway', key: key() }, 10)).toEqual([{ name: 'key:key_0123456789ab', limit: 10 }]);
  });

  it("puts a key's own limit in place of RATE_LIMIT_PER_MINUTE, even when that is off", () => {
    expect(bucketsOf({ kind: 'gateway', key: key(3) }, 0)).toEqual([{ name: 'key:key_0123456789ab', limit: 3 }]);
    expect(bucketsOf({ kind: 'gateway', key: key() }, 0)).toEqual([]);
  });

  it("counts a tenant in its own bucket and in its key's, when the key has a limit", () => {
    expect(bucketsOf(tenant(key(5)), 10)).toEqual([{ name: `tenant:${'h'.repeat(64)}`, limit: 10 }, { name: 'key:key_0123456789ab', limit: 5 }]);
    expect(bucketsOf(tenant(key()), 10)).toEqual([{ name: `tenant:${'h'.repeat(64)}`, limit: 10 }]);
  });
});
