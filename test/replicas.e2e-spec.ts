import request from 'supertest';
import { DEFAULT_SIM_REFRESH_TOKEN, KiroSimulator, textReply } from './simulator';
import { redisAvailable, REDIS_SERVER, startGatewayProcess, startRedis, type RunningProcess } from './support/processes';

/**
 * Two gateway processes sharing one Redis and one Kiro login: one refresh between them, a rotated
 * refresh token followed by both, one rate-limit count, and stored responses either can continue.
 * Needs Debian's redis-server (CI installs it); without it the suite is skipped locally and
 * fails under CI.
 */
if (!redisAvailable && process.env.CI) throw new Error(`CI needs redis-server at ${REDIS_SERVER} for the replica tests`);

const KEY = 'replica-test-key';
const RATE_LIMIT = 25;

(redisAvailable ? describe : describe.skip)('two replicas sharing Redis (e2e)', () => {
  let sim: KiroSimulator;
  let redis: RunningProcess & { url: string };
  let a: RunningProcess & { url: string };
  let b: RunningProcess & { url: string };
  const auth = { Authorization: `Bearer ${KEY}` };
  const chat = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };

  beforeAll(async () => {
    sim = await KiroSimulator.start({ rotateRefreshTokens: true, refreshDelayMs: 300, defaultScenario: textReply('ok') });
    redis = await startRedis();
    const env = { ...sim.gatewayEnv(), PROXY_API_KEY: KEY, REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT), FAKE_REASONING: 'false' };
    [a, b] = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    await sim?.close();
  });

  it('refreshes once for concurrent first requests on both replicas', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => request(i % 2 ? a.url : b.url).post('/v1/chat/completions').set(auth).send(chat)),
    );

    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(sim.stats.refreshes).toBe(1);
    expect(sim.refreshCountFor(DEFAULT_SIM_REFRESH_TOKEN)).toBe(1);
  });

  it('follows the rotated refresh token on both replicas after Kiro rejects the access token', async () => {
    sim.expireAccessTokens();

    const results = await Promise.all([
      request(a.url).post('/v1/chat/completions').set(auth).send(chat),
      request(b.url).post('/v1/chat/completions').set(auth).send(chat),
    ]);

    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(sim.stats.refreshes).toBe(2);
    // The second refresh presented the rotated token, never the original (dead) one again.
    expect(sim.refreshCountFor(DEFAULT_SIM_REFRESH_TOKEN)).toBe(1);
  });

  it('lets a response stored through one replica be continued through the other', async () => {
    const first = await request(a.url).post('/v1/responses').set(auth).send({ model: 'auto', input: 'remember me', reasoning: { effort: 'minimal' } });
    const second = await request(b.url).post('/v1/responses').set(auth).send({ model: 'auto', input: 'and now?', previous_response_id: first.body.id, reasoning: { effort: 'minimal' } });

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.previous_response_id).toBe(first.body.id);
  });

  it('shares one rate-limit count between the replicas', async () => {
    const used = Number((await request(a.url).get('/v1/models').set(auth)).headers['x-ratelimit-remaining-requests']);
    const statuses: number[] = [];
    for (let i = 0; i < used + 2; i++) statuses.push((await request(i % 2 ? a.url : b.url).get('/v1/models').set(auth)).status);

    expect(statuses.filter((s) => s === 200)).toHaveLength(used);
    expect(statuses.slice(used)).toEqual([429, 429]);
  });

  it('reports Redis in readiness', async () => {
    const ready = await request(a.url).get('/health/ready').set(auth);

    expect(ready.body.checks.redis).toEqual({ ok: true });
  });
});
