import { RequestContext } from '../../common/request-context';
import { isLoggedPath, requestLogEntry } from './request-log-sink';

const ARRIVED = process.hrtime.bigint();

function served(): RequestContext {
  const context = new RequestContext('req-7', ARRIVED, undefined);
  context.principal = { kind: 'gateway' };
  context.generation = { model: 'claude-sonnet-4.5', stream: true };
  context.served.attempt('a');
  context.served.attempt('b');
  context.served.kiroModel = 'claude-sonnet-4.5';
  context.served.firstContentAt = ARRIVED + 42_400_000n;
  context.served.addUsage({ inputTokens: 100, outputTokens: 20, credits: 0.25, cacheReadInputTokens: 60 });
  // A resumed answer: the continuation's usage is added.
  context.served.addUsage({ inputTokens: 130, outputTokens: 5, credits: 0.1 });
  return context;
}

describe(requestLogEntry.name, () => {
  it('takes what served the request from its context: the last account, every attempt, summed usage, TTFT', () => {
    const entry = requestLogEntry({ context: served(), arrivedAt: 1_000, method: 'POST', route: '/v1/messages', status: 200, clientClosed: false, durationMs: 900 });

    expect(entry).toEqual({
      requestId: 'req-7',
      at: 1_000,
      method: 'POST',
      route: '/v1/messages',
      status: 200,
      clientClosed: false,
      durationMs: 900,
      ttftMs: 42,
      callerKind: 'key',
      caller: 'default',
      modelAsked: 'claude-sonnet-4.5',
      modelUsed: 'claude-sonnet-4.5',
      stream: true,
      account: 'b',
      attempts: ['a', 'b'],
      inputTokens: 230,
      outputTokens: 25,
      cachedTokens: 60,
      credits: 0.35,
      errorKind: null,
      errorMessage: null,
    });
  });

  it('names a tenant by a prefix of its token hash, never the token', () => {
    const context = new RequestContext('req-8', ARRIVED, undefined);
    context.principal = { kind: 'tenant', refreshToken: 'aor-secret-refresh-token', tokenHash: 'ab'.repeat(32) };

    const entry = requestLogEntry({ context, arrivedAt: 0, method: 'POST', route: '/v1/chat/completions', status: 200, clientClosed: false, durationMs: 1 });

    expect([entry.callerKind, entry.caller]).toEqual(['tenant', 'tenant:abababababab']);
    expect(JSON.stringify(entry)).not.toContain('aor-secret-refresh-token');
  });

  it('gives a failed request the kind of its error, or of its status when nothing named one', () => {
    const context = new RequestContext('req-9', ARRIVED, undefined);
    const unnamed = requestLogEntry({ context, arrivedAt: 0, method: 'GET', route: '/v1/nope', status: 404, clientClosed: false, durationMs: 1 });
    context.served.failed('rate_limited', 'x'.repeat(2_000));
    const named = requestLogEntry({ context, arrivedAt: 0, method: 'GET', route: '/v1/models', status: 429, clientClosed: true, durationMs: 1 });

    expect([unnamed.errorKind, unnamed.callerKind, unnamed.ttftMs, unnamed.account]).toEqual(['not_found', 'none', null, null]);
    expect([named.errorKind, named.errorMessage?.length, named.clientClosed]).toEqual(['rate_limited', 500, true]);
  });

  it('logs the API routes only', () => {
    expect(['/v1/chat/completions', '/v1/models', '/health', '/metrics', '/admin/api/requests', '/docs'].map(isLoggedPath)).toEqual([true, true, false, false, false, false]);
  });
});
