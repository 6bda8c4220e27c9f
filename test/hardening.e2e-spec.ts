import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { request as raw } from 'undici';
import { MetricsServer } from '../src/metrics/metrics-server';
import { textReply } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Issue 13, as an attacker tries it: bodies handled before the key is known, what anyone can read,
 * failed-key and tenant abuse, and the documented bounds, each answered in the client's API shape.
 * (The event-loop side of the same bounds is in event-loop-budget.e2e-spec.ts.)
 */

const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const anthropic = { 'x-api-key': PROXY_KEY, 'anthropic-version': '2023-06-01' };
const chat = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Sends these exact bytes (supertest would serialise a Buffer as JSON under a JSON Content-Type). */
async function post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await raw(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

describe('nothing is read before the key is checked (e2e, item 6)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', AUTH_FAILURE_LIMIT: '0' } });
  });
  afterAll(() => h.close());

  it('answers an unauthenticated 1 MiB body 401, not the parse error its bytes would give', async () => {
    const res = await request(h.url).post('/v1/chat/completions').set('Content-Type', 'application/json').send(`{${'x'.repeat(1024 * 1024)}`);

    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
  });

  it("answers an unauthenticated Anthropic request 401 in Anthropic's shape, its gzip bomb never inflated", async () => {
    const bomb = gzipSync(JSON.stringify({ ...chat, pad: 'x'.repeat(19 * 1024 * 1024) }));

    const res = await post(`${h.url}/v1/messages`, { 'Content-Encoding': 'gzip' }, bomb);

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.stringContaining('API key') } });
  });

  it('refuses a tenant token that cannot be one before reading anything', async () => {
    const res = await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}:not a token`).send('{{{');

    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('not a Kiro refresh token');
  });

  it('reads a gzip body that inflates reasonably', async () => {
    h.sim.enqueue(textReply('unzipped'));

    const res = await post(`${h.url}/v1/chat/completions`, { ...auth, 'Content-Encoding': 'gzip' }, gzipSync(JSON.stringify(chat)));

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ choices: [{ message: { content: 'unzipped' } }] });
  });

  it('refuses a body that inflates more than BODY_MAX_INFLATE_RATIO times its size with 413 naming the bound', async () => {
    const bomb = gzipSync(JSON.stringify({ ...chat, pad: 'x'.repeat(4 * 1024 * 1024) }));

    const res = await post(`${h.url}/v1/chat/completions`, { ...auth, 'Content-Encoding': 'gzip' }, bomb);

    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'request_too_large', message: expect.stringContaining('BODY_MAX_INFLATE_RATIO') });
  });

  it.each(['br', 'zstd', 'gzip, gzip'])("refuses Content-Encoding %s with 415 in the family's shape", async (encoding) => {
    const res = await request(h.url).post('/v1/messages').set({ ...anthropic, 'Content-Type': 'application/json', 'Content-Encoding': encoding }).send('{}');

    expect(res.status).toBe(415);
    expect(res.body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('Content-Encoding') } });
  });
});

describe('UTF-8 only (e2e, item 7)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('refuses a UTF-16 body that would slip deep nesting past a byte scan with 415, not a 500', async () => {
    // In UTF-16LE "∀" is the bytes 00 22: a byte scan sees a quote and takes the brackets for text.
    const body = Buffer.from(`{"model":"auto","messages":[{"role":"user","content":"∀"}],"metadata":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, 'utf16le');

    const res = await post(`${h.url}/v1/chat/completions`, { ...auth, 'Content-Type': 'application/json; charset=utf-16le' }, body);

    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_charset' });
  });

  it('refuses the same nesting in UTF-8 with 400', async () => {
    const body = `{"model":"auto","messages":[{"role":"user","content":"∀"}],"metadata":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;

    const res = await request(h.url).post('/v1/chat/completions').set({ ...auth, 'Content-Type': 'application/json; charset=utf-8' }).send(body);

    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('The JSON body is nested too deeply.');
  });
});

describe('failed keys back off, per client address (e2e, item 8)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { AUTH_FAILURE_LIMIT: '5', FAKE_REASONING: 'false' } });
  });
  afterEach(() => h.close());

  it('answers 429 with Retry-After after five wrong keys in a burst, even to the right key meanwhile', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await request(h.url).get('/v1/models').set('Authorization', `Bearer guess-${i}`)).status);
    const right = await request(h.url).get('/v1/models').set(auth);

    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(35).fill(429));
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(right.body.error).toMatchObject({ type: 'rate_limit_error', code: 'too_many_auth_failures' });
  });

  it('does not believe X-Forwarded-For unless TRUST_PROXY is set: invented addresses do not dodge the back-off', async () => {
    for (let i = 0; i < 5; i++) await request(h.url).get('/v1/models').set({ Authorization: 'Bearer wrong', 'X-Forwarded-For': `203.0.113.${i}` });

    const res = await request(h.url).get('/v1/models').set({ ...auth, 'X-Forwarded-For': '198.51.100.7' });

    expect(res.status).toBe(429);
  });

  it('counts a tenant token Kiro refused, answered 401 at the door without asking Kiro again', async () => {
    const bogus = `${PROXY_KEY}:aorMadeUpTenantToken`;
    const first = await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${bogus}`).send(chat);
    const again = [];
    for (let i = 0; i < 6; i++) again.push((await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${bogus}`).send(chat)).status);

    expect(first.status).toBe(401);
    expect(h.sim.refreshCountFor('aorMadeUpTenantToken')).toBe(1);
    expect(again).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('failed keys back off per proxied client with TRUST_PROXY (e2e, item 8)', () => {
  it("keys the back-off by the trusted proxy's X-Forwarded-For", async () => {
    const h = await startHarness({ env: { AUTH_FAILURE_LIMIT: '3', TRUST_PROXY: 'loopback' } });
    try {
      for (let i = 0; i < 3; i++) await request(h.url).get('/v1/models').set({ Authorization: 'Bearer wrong', 'X-Forwarded-For': '203.0.113.9' });

      const blocked = await request(h.url).get('/v1/models').set({ ...auth, 'X-Forwarded-For': '203.0.113.9' });
      const other = await request(h.url).get('/v1/models').set({ ...auth, 'X-Forwarded-For': '198.51.100.7' });

      expect(blocked.status).toBe(429);
      expect(other.status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('made-up tenants are bounded per address (e2e, item 11)', () => {
  it('admits NEW_TENANTS_PER_IP unknown tokens, then 429 without a call to Kiro', async () => {
    const h = await startHarness({ env: { NEW_TENANTS_PER_IP: '3', AUTH_FAILURE_LIMIT: '0' } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}:aorRandom${i}`).send(chat)).status);

      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // The gateway's own login is refreshed at start-up (for the model list): count the tenants'.
      expect(Array.from({ length: 5 }, (_, i) => h.sim.refreshCountFor(`aorRandom${i}`))).toEqual([1, 1, 1, 0, 0]);
    } finally {
      await h.close();
    }
  });
});

describe('/metrics (e2e, item 9)', () => {
  it('needs the proxy key on the API port, and labels tenants with an HMAC, never a prefix of sha256(token)', async () => {
    const h = await startHarness({ env: { FAKE_REASONING: 'false' } });
    try {
      const tenant = 'aorTenantForMetricsLabels';
      h.sim.addRefreshToken(tenant);
      h.sim.enqueue(textReply('ok'));
      await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}:${tenant}`).send(chat);

      const anonymous = await request(h.url).get('/metrics');
      const keyed = await request(h.url).get('/metrics').set(auth);

      expect(anonymous.status).toBe(401);
      expect(anonymous.text).not.toContain('kiro_gateway_');
      expect(keyed.status).toBe(200);
      const label = /principal="([0-9a-f]{12})"/.exec(keyed.text)?.[1];
      expect(label).toBeDefined();
      expect(label).not.toBe(sha256(tenant).slice(0, 12));
      expect(keyed.text).not.toContain(sha256(tenant).slice(0, 12));
    } finally {
      await h.close();
    }
  });

  it('moves to METRICS_PORT, without the key, when it is set', async () => {
    const h = await startHarness({ env: { METRICS_PORT: '0' } });
    try {
      const port = h.app.get(MetricsServer).address()?.port;

      const onApi = await request(h.url).get('/metrics').set(auth);
      const onMetricsPort = await request(`http://127.0.0.1:${port}`).get('/metrics');
      const elsewhere = await request(`http://127.0.0.1:${port}`).get('/v1/models');

      expect(onApi.status).toBe(404);
      expect(onMetricsPort.status).toBe(200);
      expect(onMetricsPort.text).toContain('kiro_gateway_http_requests_total');
      expect(elsewhere.status).toBe(404);
    } finally {
      await h.close();
    }
  });
});

describe('what anyone can read of health (e2e, item 10)', () => {
  it('tells anonymous callers the status only, and the key holder the details', async () => {
    const h = await startHarness();
    try {
      const anonymous = await request(h.url).get('/health');
      const keyed = await request(h.url).get('/health').set(auth);
      const ready = await request(h.url).get('/health/ready');
      const readyKeyed = await request(h.url).get('/health/ready').set(auth);

      expect(anonymous.body).toEqual({ status: 'healthy' });
      expect(keyed.body).toMatchObject({ status: 'healthy', auth: { mode: 'own-credentials' }, upstream: { reachable: true } });
      expect(ready.body).toEqual({ status: 'ready' });
      expect(readyKeyed.body).toEqual({ status: 'ready', checks: { credentials: { ok: true }, upstream: { ok: true } } });
    } finally {
      await h.close();
    }
  });

  it('reports why it is not ready as a cause code, not the error text', async () => {
    const h = await startHarness({ env: { REFRESH_TOKEN: 'a-token-kiro-does-not-know' } });
    try {
      const ready = await request(h.url).get('/health/ready').set(auth);

      expect(ready.status).toBe(503);
      expect(ready.body.checks.credentials).toEqual({ ok: false, cause: 'credentials_refused' });
    } finally {
      await h.close();
    }
  });

  it("refreshes the gateway's token for readiness at most once per interval, however often anyone asks", async () => {
    let refreshCalls = 0;
    const failing: Server = createServer((req, res) => {
      refreshCalls++;
      req.resume();
      res.writeHead(500).end('{"message":"token service down"}');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const h = await startHarness({ env: { KIRO_REFRESH_URL: `http://127.0.0.1:${(failing.address() as AddressInfo).port}/refreshToken` } });
    try {
      // Start-up's own refresh (for the model list) fails first, after its three attempts.
      const deadline = Date.now() + 10_000;
      while (refreshCalls < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const atStart = refreshCalls;
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await request(h.url).get('/health/ready')).status);

      expect(atStart).toBe(3);
      expect(statuses).toEqual([503, 503, 503, 503]);
      expect(refreshCalls - atStart).toBe(3); // one refresh for readiness, with its three attempts
    } finally {
      await h.close();
      await new Promise((resolve) => failing.close(resolve));
    }
  });
});

describe('documented bounds, in each family\'s shape (e2e, items 1–4)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { MAX_TOOLS: '100' } });
  });
  afterAll(() => h.close());

  it("refuses a fifth stop sequence with 400 naming OpenAI's limit", async () => {
    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...chat, stop: ['a', 'b', 'c', 'd', 'e'] });

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'request_bound_exceeded', param: 'stop' });
  });

  it('refuses tools over MAX_TOOLS on count_tokens in Anthropic\'s shape, naming the setting', async () => {
    const tools = Array.from({ length: 101 }, (_, i) => ({ name: `t${i}`, input_schema: { type: 'object' } }));

    const res = await request(h.url).post('/v1/messages/count_tokens').set(anthropic).send({ ...chat, tools });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('MAX_TOOLS') } });
  });

  it('answers an image of a million "=" then "A" at once, as not base64 (it took seconds, then hours)', async () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: `${'='.repeat(1_000_000)}A` } };

    const res = await request(h.url).post('/v1/messages/count_tokens').set({ Authorization: `Bearer ${PROXY_KEY}:anything` }).send({ model: 'auto', messages: [{ role: 'user', content: [image] }] });

    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('must be base64 image data');
  });

  it('refuses an image over MAX_IMAGE_BYTES on the Responses API, naming the setting', async () => {
    const url = `data:image/png;base64,${'A'.repeat(8 * 1024 * 1024)}`;

    const res = await request(h.url).post('/v1/responses').set(auth).send({ model: 'auto', input: [{ role: 'user', content: [{ type: 'input_image', image_url: url }] }] });

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'request_bound_exceeded', message: expect.stringContaining('MAX_IMAGE_BYTES') });
  });

  it('counts 15,000 tool calls reusing one id without stalling, then refuses them as too large for Kiro', async () => {
    const messages = [
      { role: 'user', content: 'go' },
      ...Array.from({ length: 4_000 }, () => [
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_x', type: 'function', function: { name: 't', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_x', content: 'ok' },
      ]).flat(),
    ];

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ model: 'auto', tools: [{ type: 'function', function: { name: 't', parameters: {} } }], messages });

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('context_length_exceeded');
  });
});
