import { request as raw } from 'undici';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * The HTTP server (Nest on Fastify) as clients reach it: paths they write as they did on Express,
 * the URLs Fastify answers before any hook or route, and headers that must survive a stream
 * written past Fastify.
 */

const auth = { Authorization: `Bearer ${PROXY_KEY}` };

async function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await raw(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, Record<string, unknown>> };
}

describe('the HTTP server (e2e)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', RATE_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(() => h.close());

  it('answers a malformed URL in the caller envelope, with a request id, and keeps serving', async () => {
    // Routed nowhere for this method: Fastify hands it to the not-found handler without any hook.
    const unrouted = await send(`${h.url}/v1/responses/resp_%ZZ`, { method: 'PUT', headers: auth });
    // Routed: Fastify's own URL error.
    const routed = await send(`${h.url}/v1/%zz`, { headers: auth });
    const anthropic = await send(`${h.url}/v1/%zz`, { headers: { 'x-api-key': PROXY_KEY, 'anthropic-version': '2023-06-01' } });

    expect(unrouted.status).toBe(404);
    expect(unrouted.json().error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
    expect(unrouted.headers['x-request-id']).toEqual(expect.any(String));
    expect(routed.status).toBe(400);
    expect(routed.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(routed.json().error).toMatchObject({ type: 'invalid_request_error' });
    expect(routed.headers['x-request-id']).toEqual(expect.any(String));
    expect(anthropic.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect((await send(`${h.url}/health/live`)).status).toBe(200);
  });

  it('looks up an id of any length rather than refusing it with a router error', async () => {
    const id = `resp_${'x'.repeat(6_000)}`;

    const anonymous = await send(`${h.url}/v1/responses/${id}`);
    const keyed = await send(`${h.url}/v1/responses/${id}`, { headers: auth });

    expect(anonymous.status).toBe(401);
    expect(keyed.status).toBe(404);
    expect(keyed.json().error).toMatchObject({ type: 'invalid_request_error' });
  });

  it('serves paths as Express did: a trailing slash and any letter case', async () => {
    for (const path of ['/v1/models/', '/V1/Models', '/health/live/']) {
      expect([path, (await send(`${h.url}${path}`, { headers: auth })).status]).toEqual([path, 200]);
    }
  });

  it('answers HEAD on GET routes, without a body', async () => {
    const res = await send(`${h.url}/health/live`, { method: 'HEAD' });

    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it("keeps the guards' headers on a stream, which is written past Fastify", async () => {
    const res = await send(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', 'X-Request-ID': 'stream-headers-1' },
      body: JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['x-request-id']).toBe('stream-headers-1');
    expect(res.headers['x-ratelimit-limit-requests']).toBe('1000');
    expect(res.headers['x-kiro-model']).toEqual(expect.any(String));
    expect(res.headers['x-process-time']).toEqual(expect.any(String));
    expect(res.text).toContain('data: [DONE]');
  });

  it('sends a JSON error from a route whose success is text (/metrics), not a framework 500', async () => {
    const res = await send(`${h.url}/metrics`);

    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json().error).toMatchObject({ type: 'authentication_error' });
  });
});
