import request from 'supertest';
import { textReply, throttled } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const chat = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };

describe('metrics (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { MAX_RETRIES: '1', FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());

  it('counts requests, streams, refreshes, retries and upstream errors, with no secret in any label', async () => {
    const tenant = 'tenant-refresh-token-for-metrics';
    h.sim.addRefreshToken(tenant);
    h.sim.enqueue(textReply('a'), textReply('b'), throttled(), textReply('c'), textReply('d'));
    await request(h.url).post('/v1/chat/completions').set(auth).send(chat);
    await request(h.url).post('/v1/chat/completions').set(auth).send({ ...chat, stream: true });
    await request(h.url).post('/v1/chat/completions').set(auth).send(chat);
    await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}:${tenant}`).send(chat);
    await request(h.url).get('/v1/models').set('Authorization', 'Bearer wrong');

    const res = await request(h.url).get('/metrics').set(auth);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.text;
    expect(text).toMatch(/kiro_gateway_http_requests_total\{route="\/v1\/chat\/completions",method="POST",status="200",model="auto",principal="gateway"\} 3/);
    expect(text).toMatch(/kiro_gateway_http_requests_total\{route="\/v1\/chat\/completions",method="POST",status="200",model="auto",principal="[0-9a-f]{12}"\} 1/);
    expect(text).toMatch(/kiro_gateway_http_requests_total\{route="\/v1\/models",method="GET",status="401",model="",principal="gateway"\} 1/);
    expect(text).toMatch(/kiro_gateway_time_to_first_token_seconds_count\{route="\/v1\/chat\/completions",model="auto"\} 1/);
    expect(text).toMatch(/kiro_gateway_upstream_errors_total\{kind="rate_limit_exceeded"\} 1/);
    expect(text).toMatch(/kiro_gateway_upstream_retries_total\{reason="rate_limit_exceeded"\} 1/);
    expect(text).toMatch(/kiro_gateway_token_refreshes_total\{flow="social",outcome="success"\} 2/);
    expect(text).toMatch(/kiro_gateway_active_streams 0/);
    expect(text).toMatch(/kiro_gateway_http_request_duration_seconds_bucket/);
    expect(text).not.toContain(tenant);
    expect(text).not.toContain(PROXY_KEY);
  });
});

describe('rate limiting (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '2', FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());

  it('answers 429 in OpenAI\'s shape with Retry-After and x-ratelimit headers past the limit, per principal', async () => {
    const first = await request(h.url).get('/v1/models').set(auth);
    await request(h.url).get('/v1/models').set(auth);
    const third = await request(h.url).get('/v1/models').set(auth);
    h.sim.addRefreshToken('tenant-with-its-own-budget');
    const tenant = await request(h.url).get('/v1/models').set('Authorization', `Bearer ${PROXY_KEY}:tenant-with-its-own-budget`);
    const metrics = await request(h.url).get('/metrics').set(auth);

    expect(first.status).toBe(200);
    expect(first.headers['x-ratelimit-limit-requests']).toBe('2');
    expect(first.headers['x-ratelimit-remaining-requests']).toBe('1');
    expect(first.headers['x-ratelimit-reset-requests']).toMatch(/^\d+s$/);
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(tenant.status).toBe(200);
    expect(metrics.text).toMatch(/kiro_gateway_rate_limit_rejections_total\{principal="gateway"\} 1/);
  });

  it('refuses before any upstream call', async () => {
    const before = h.sim.stats.chatRequests;

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat);

    expect(res.status).toBe(429);
    expect(h.sim.stats.chatRequests).toBe(before);
  });
});

describe('CORS (e2e)', () => {
  it('answers browser preflights for any origin by default, exposing the tracking headers', async () => {
    const h = await startHarness();
    try {
      const preflight = await request(h.url)
        .options('/v1/chat/completions')
        .set('Origin', 'https://chat.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      const actual = await request(h.url).get('/v1/models').set(auth).set('Origin', 'https://chat.example.com');

      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
      expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
      expect(actual.headers['access-control-allow-origin']).toBe('*');
      expect(actual.headers['access-control-expose-headers']).toContain('X-Request-ID');
      expect(actual.headers['access-control-expose-headers']).toContain('x-kiro-model');
    } finally {
      await h.close();
    }
  });

  it('allows only the configured origins', async () => {
    const h = await startHarness({ env: { CORS_ORIGINS: 'https://allowed.example' } });
    try {
      const allowed = await request(h.url).get('/v1/models').set(auth).set('Origin', 'https://allowed.example');
      const other = await request(h.url).get('/v1/models').set(auth).set('Origin', 'https://evil.example');

      expect(allowed.headers['access-control-allow-origin']).toBe('https://allowed.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});

describe('liveness and readiness (e2e)', () => {
  it('is live and ready with usable credentials and a reachable Kiro', async () => {
    const h = await startHarness();
    try {
      const live = await request(h.url).get('/health/live');
      const ready = await request(h.url).get('/health/ready').set(auth);

      expect(live.body).toEqual({ status: 'ok' });
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', checks: { credentials: { ok: true }, upstream: { ok: true } } });
    } finally {
      await h.close();
    }
  });

  it('is live but not ready when the refresh token is refused', async () => {
    const h = await startHarness({ env: { REFRESH_TOKEN: 'a-token-kiro-does-not-know' } });
    try {
      const live = await request(h.url).get('/health/live');
      const ready = await request(h.url).get('/health/ready').set(auth);

      expect(live.status).toBe(200);
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('not_ready');
      expect(ready.body.checks.credentials.ok).toBe(false);
      expect(JSON.stringify(ready.body)).not.toContain('a-token-kiro-does-not-know');
    } finally {
      await h.close();
    }
  });
});
