import { lastValueFrom, toArray } from 'rxjs';
import type { Clock } from '../common/clock';
import { ClientAbortedError, ContextTooLongError, UpstreamThrottledError, UpstreamTimeoutError } from '../common/errors';
import { parseGatewayEnv } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { KiroClient, type KiroCall } from './kiro-client.service';
import { KiroTokenRejectedError } from './kiro-errors';
import type { KiroSession } from './kiro-session';
import type { KiroHttpRequest, KiroHttpResponse, KiroTransport } from './kiro-transport';

/** One scripted answer: a status and body chunks, a body that never starts, or a network error. */
type Answer = { status: number; body?: string[]; headers?: Record<string, string> } | { silent: true } | { networkError: string };

/** A hand-written KiroTransport: answers from a script, in order, and records every request. */
class FakeKiroTransport implements KiroTransport {
  readonly requests: KiroHttpRequest[] = [];
  /** How many body chunks the gateway has pulled, per request. */
  readonly pulled: number[] = [];

  constructor(private readonly script: Answer[]) {}

  async send(request: KiroHttpRequest): Promise<KiroHttpResponse> {
    const index = this.requests.push(request) - 1;
    this.pulled[index] = 0;
    const answer = this.script.shift();
    if (!answer) throw new Error(`unscripted request #${index + 1}`);
    if ('networkError' in answer) throw Object.assign(new Error(answer.networkError), { code: 'ECONNRESET' });
    if ('silent' in answer) return { status: 200, headers: {}, body: silentBody(request.signal), text: async () => '' };
    const chunks = (answer.body ?? []).map((text) => Buffer.from(text));
    const pulled = this.pulled;
    return {
      status: answer.status,
      headers: answer.headers ?? {},
      body: {
        async *[Symbol.asyncIterator]() {
          for (const chunk of chunks) {
            if (request.signal.aborted) throw new Error('aborted');
            pulled[index]++;
            yield chunk;
          }
        },
      },
      text: async () => (answer.body ?? []).join(''),
    };
  }
}

/** A 200 whose body sends nothing until the attempt is aborted. */
function silentBody(signal: AbortSignal): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<Uint8Array>>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
    }),
  };
}

/** Backoff waits are recorded, not waited. */
class FakeClock implements Clock {
  readonly slept: number[] = [];
  now(): number {
    return 0;
  }
  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
  }
}

class FakeSession implements KiroSession {
  readonly profileArn = undefined;
  readonly machineId = 'a'.repeat(64);
  tokenFetches = 0;
  refreshes = 0;
  async getAccessToken(): Promise<string> {
    this.tokenFetches++;
    return 'token-1';
  }
  async refreshAfterRejection(): Promise<string> {
    this.refreshes++;
    return `token-${this.refreshes + 1}`;
  }
}

const config = parseGatewayEnv({ PROXY_API_KEY: 'a-long-test-key', MAX_RETRIES: '3', BASE_RETRY_DELAY: '1', FIRST_TOKEN_TIMEOUT: '0.05', FIRST_TOKEN_MAX_RETRIES: '2' });
const metrics = new MetricsService();
const PAYLOAD = { json: '{"conversationState":{}}', bytes: 24, modelId: 'claude-sonnet-4.5' };

function setup(script: Answer[], gatewayConfig = config) {
  const transport = new FakeKiroTransport(script);
  const clock = new FakeClock();
  const session = new FakeSession();
  const client = new KiroClient(gatewayConfig, transport, clock, metrics);
  const call = (overrides: Partial<KiroCall> = {}): KiroCall => ({ payload: PAYLOAD, session, accessToken: 'token-1', signal: new AbortController().signal, slowModel: false, stream: true, ...overrides });
  return { transport, clock, session, client, call };
}

const bodyOf = async (stream: { bytes$: import('rxjs').Observable<Uint8Array> }) => Buffer.concat(await lastValueFrom(stream.bytes$.pipe(toArray()))).toString();

describe(KiroClient.name, () => {
  it('sends the payload it was given with the token it was given, once, and streams the body', async () => {
    const { transport, session, client, call } = setup([{ status: 200, body: ['ab', 'cd'] }]);

    const stream = await client.open(call());

    expect(await bodyOf(stream)).toBe('abcd');
    expect(transport.requests).toHaveLength(1);
    expect(transport.requests[0]).toMatchObject({ method: 'POST', body: PAYLOAD.json, headers: { authorization: 'Bearer token-1' } });
    // Connections to Kiro are kept alive by default (the transport retries a stale one once).
    expect(transport.requests[0].headers).not.toHaveProperty('connection');
    expect(session.tokenFetches).toBe(0);
  });

  it('asks Kiro to close a stream\'s connection with KIRO_STREAM_CONNECTION_CLOSE=true, and only for streams', async () => {
    const closing = parseGatewayEnv({ PROXY_API_KEY: 'a-long-test-key', KIRO_STREAM_CONNECTION_CLOSE: 'true' });
    const { transport, client, call } = setup([{ status: 200, body: ['ab'] }, { status: 200, body: ['cd'] }], closing);

    expect(await bodyOf(await client.open(call()))).toBe('ab');
    expect(await bodyOf(await client.open(call({ stream: false })))).toBe('cd');

    expect(transport.requests.map((request) => request.headers.connection)).toEqual(['close', undefined]);
  });

  it('retries a 5xx with exponential backoff and jitter, then streams the answer', async () => {
    const { transport, clock, client, call } = setup([{ status: 503, body: ['busy'] }, { status: 500, body: ['busy'] }, { status: 200, body: ['ok'] }]);

    const stream = await client.open(call());

    expect(await bodyOf(stream)).toBe('ok');
    expect(transport.requests.map((r) => r.headers['amz-sdk-request'])).toEqual(['attempt=1; max=7', 'attempt=2; max=7', 'attempt=3; max=7']);
    expect(clock.slept).toHaveLength(2);
    expect(clock.slept[0]).toBeGreaterThanOrEqual(1_000);
    expect(clock.slept[0]).toBeLessThanOrEqual(1_250);
    expect(clock.slept[1]).toBeGreaterThanOrEqual(2_000);
    expect(clock.slept[1]).toBeLessThanOrEqual(2_500);
  });

  it("waits a 429's Retry-After before retrying", async () => {
    const { clock, client, call } = setup([{ status: 429, body: ['{"message":"Too many requests"}'], headers: { 'retry-after': '7' } }, { status: 200, body: ['ok'] }]);

    await bodyOf(await client.open(call()));

    expect(clock.slept).toEqual([7_000]);
  });

  it('gives up after MAX_RETRIES with a 429 that says when to come back', async () => {
    const throttled: Answer = { status: 429, body: ['{"message":"Too many requests"}'] };
    const { transport, client, call } = setup([throttled, throttled, throttled, throttled]);

    const attempt = client.open(call());

    await expect(attempt).rejects.toBeInstanceOf(UpstreamThrottledError);
    await expect(attempt).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
    expect(transport.requests).toHaveLength(4);
  });

  it('retries a connection error', async () => {
    const { transport, client, call } = setup([{ networkError: 'socket hang up' }, { status: 200, body: ['ok'] }]);

    expect(await bodyOf(await client.open(call()))).toBe('ok');
    expect(transport.requests).toHaveLength(2);
  });

  it('never retries what retrying cannot fix (a 400)', async () => {
    const { transport, client, call } = setup([{ status: 400, body: ['{"message":"Input is too long.","reason":"CONTENT_LENGTH_EXCEEDS_THRESHOLD"}'] }]);

    await expect(client.open(call())).rejects.toBeInstanceOf(ContextTooLongError);
    expect(transport.requests).toHaveLength(1);
  });

  it('refreshes a rejected token once and retries with the new one; a second rejection is final', async () => {
    const rejected: Answer = { status: 403, body: ['{"message":"The bearer token included in the request is invalid."}'] };
    const { transport, session, client, call } = setup([rejected, rejected]);

    await expect(client.open(call())).rejects.toBeInstanceOf(KiroTokenRejectedError);
    expect(session.refreshes).toBe(1);
    expect(transport.requests.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('retries a 200 whose body never starts (first-token timeout), then answers 504', async () => {
    const { transport, client, call } = setup([{ silent: true }, { silent: true }, { silent: true }]);

    const attempt = client.open(call());

    await expect(attempt).rejects.toBeInstanceOf(UpstreamTimeoutError);
    await expect(attempt).rejects.toThrow('Kiro sent no first token within 0.05 s (tried 3 times)');
    expect(transport.requests).toHaveLength(3);
    expect(transport.requests.every((r) => r.signal.aborted)).toBe(true);
  });

  it('retries an empty 200', async () => {
    const { transport, client, call } = setup([{ status: 200, body: [] }, { status: 200, body: ['ok'] }]);

    expect(await bodyOf(await client.open(call()))).toBe('ok');
    expect(transport.requests).toHaveLength(2);
  });

  it('stops retrying once the client has gone', async () => {
    const { transport, client, call } = setup([{ status: 503 }, { status: 200, body: ['ok'] }]);
    const controller = new AbortController();
    controller.abort();

    await expect(client.open(call({ signal: controller.signal }))).rejects.toBeInstanceOf(ClientAbortedError);
    expect(transport.requests).toHaveLength(0);
  });

  it('aborts the upstream request when the stream is unsubscribed', async () => {
    const { transport, client, call } = setup([{ status: 200, body: ['a', 'b', 'c'] }]);
    const stream = await client.open(call());

    const subscription = stream.bytes$.subscribe();
    subscription.unsubscribe();

    expect(transport.requests[0].signal.aborted).toBe(true);
  });

  it('reads no further while the flow gate is closed, and goes on once it opens', async () => {
    const { transport, client, call } = setup([{ status: 200, body: ['a', 'b', 'c'] }]);
    const stream = await client.open(call());
    const seen: string[] = [];
    let finished!: () => void;
    const completed = new Promise<void>((resolve) => (finished = resolve));

    stream.flow.pause();
    stream.bytes$.subscribe({ next: (chunk) => seen.push(Buffer.from(chunk).toString()), complete: () => finished() });
    // Several turns of the loop: a closed gate must hold however long it stays closed.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));

    expect(seen).toEqual(['a']);
    expect(transport.pulled[0]).toBe(1);
    stream.flow.resume();
    // How many loop turns the rest takes is the runtime's business; that it completes is ours.
    await completed;
    expect(seen).toEqual(['a', 'b', 'c']);
  });
});
