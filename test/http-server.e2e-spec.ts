import { connect } from 'node:net';
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

describe('the HTTP server at its edges (e2e)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', CORS_ORIGINS: '*' } });
  });
  afterAll(() => h.close());

  /** These exact bytes on a new connection; what came back until the server closed it. */
  function rawExchange(bytes: string): Promise<string> {
    const { port } = new URL(h.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it("answers a plain OPTIONS (a load balancer's health check) 204, and a preflight with every method the API uses", async () => {
    const plain = await send(`${h.url}/v1/chat/completions`, { method: 'OPTIONS' });
    const preflight = await send(`${h.url}/admin/api/keys/key_1`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'DELETE' } });

    expect(plain.status).toBe(204);
    expect(preflight.status).toBe(204);
    expect(String(preflight.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']));
  });

  it('takes a Content-Type that is not type/subtype to the key check and the route, as before', async () => {
    const body = JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });

    const keyed = await send(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { ...auth, 'Content-Type': 'json' }, body });
    const anonymous = await send(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json,text/plain' }, body });
    const latin1 = await send(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { ...auth, 'Content-Type': 'json; charset=latin1' }, body });

    expect(keyed.status).toBe(200);
    expect(anonymous.status).toBe(401);
    // The charset is still read: only UTF-8 bodies are parsed.
    expect(latin1.status).toBe(415);
  });

  it("answers an absolute-form request target in its family's envelope", async () => {
    const answer = await rawExchange(`POST http://gateway/v1/messages HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);

    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it("answers what is not HTTP with Node's bare status line, not a framework's JSON", async () => {
    const answer = await rawExchange('GARBAGE\r\n\r\n');

    expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    expect((await send(`${h.url}/health/live`)).status).toBe(200);
  });

  it('names UTF-8 on the docs page and the YAML document', async () => {
    const page = await send(`${h.url}/docs`);
    const yaml = await send(`${h.url}/docs-yaml`);

    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(String(yaml.headers['content-type'])).toMatch(/yaml; charset=utf-8$/);
  });
});
