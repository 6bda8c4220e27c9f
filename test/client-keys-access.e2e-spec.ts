import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { textReply } from './simulator';
import { type Harness, leaveStreamAfter, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * What a client key reaches beyond generation (issue 15 item 4, review): the operator's views
 * (/metrics, health details) stay the operator's, stored responses stay their key's, the allowed
 * models are the models served, and /v1/usage and /v1/models speak for the key's own accounts and budget.
 */
const ADMIN_KEY = 'admin-key-for-the-key-access-tests';
const STATIC_KEY = 'static-ci-key-for-access-0123456789';
const CREDITS_PER_REQUEST = 0.02;
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const chat = (content: string, model = 'claude-sonnet-4.6') => ({ model, messages: [{ role: 'user', content }] });

describe('what a client key reaches (e2e)', () => {
  let h: Harness;
  const created = async (body: Record<string, unknown>): Promise<{ key: { id: string }; secret: string }> => (await request(h.url).post('/admin/api/keys').set(admin).send(body).expect(201)).body;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiro-key-access-'));
    const accounts = join(dir, 'accounts.json');
    writeFileSync(accounts, JSON.stringify({ accounts: ['a', 'b'].map((name) => ({ name, refreshToken: `${name}-refresh-token` })) }), { mode: 0o600 });
    h = await startHarness({
      simulator: {
        defaultScenario: textReply('ok', { meteringUsage: CREDITS_PER_REQUEST }),
        accounts: [
          { name: 'a', usageLimit: 1000 },
          { name: 'b', usageLimit: 50, models: ['claude-haiku-4.5', 'claude-sonnet-4.6'] },
        ],
      },
      env: {
        KIRO_ACCOUNTS_FILE: accounts,
        REFRESH_TOKEN: '',
        ADMIN_API_KEY: ADMIN_KEY,
        ACCOUNT_STRATEGY: 'round_robin',
        FAKE_REASONING: 'false',
        CLIENT_KEYS_FILE: join(dir, 'client-keys.json'),
        PROXY_API_KEYS: `ci:${STATIC_KEY}`,
        MODEL_ALIASES: 'claude-sonnet-4.5=claude-opus-4.5',
      },
    });
  });
  afterAll(() => h.close());

  describe('the operator views', () => {
    it('open /metrics to PROXY_API_KEY and ADMIN_API_KEY only: any other key gets the 401 of no key', async () => {
      const { secret } = await created({ name: 'metrics-reader' });
      h.sim.addRefreshToken('tenant-asking-for-metrics');

      for (const key of [secret, STATIC_KEY, `${secret}:made-up-tenant-token`, `${STATIC_KEY}:tenant-asking-for-metrics`]) {
        const refused = await request(h.url).get('/metrics').set(bearer(key));
        expect([key, refused.status]).toEqual([key, 401]);
        expect(refused.text).not.toContain('kiro_gateway_');
      }
      await request(h.url).get('/metrics').expect(401);
      expect((await request(h.url).get('/metrics').set(bearer(PROXY_KEY)).expect(200)).text).toContain('kiro_gateway_');
      expect((await request(h.url).get('/metrics').set(bearer(ADMIN_KEY)).expect(200)).text).toContain('kiro_gateway_');
    });

    it('show health details and readiness checks to PROXY_API_KEY and ADMIN_API_KEY only', async () => {
      const { secret } = await created({ name: 'health-reader' });

      for (const key of [secret, STATIC_KEY, `${secret}:made-up-tenant-token`]) {
        expect((await request(h.url).get('/health').set(bearer(key)).expect(200)).body).toEqual({ status: 'healthy' });
        expect((await request(h.url).get('/health/ready').set(bearer(key)).expect(200)).body).toEqual({ status: 'ready' });
      }
      for (const key of [PROXY_KEY, ADMIN_KEY]) {
        const health = (await request(h.url).get('/health').set(bearer(key)).expect(200)).body;
        expect(health.accounts.map((account: { name: string }) => account.name)).toEqual(['a', 'b']);
        expect((await request(h.url).get('/health/ready').set(bearer(key)).expect(200)).body.checks).toMatchObject({ credentials: { ok: true }, upstream: { ok: true } });
      }
    });
  });

  it("keeps a key's stored responses from every other key: 404 to read or to continue", async () => {
    const owner = await created({ name: 'response-owner' });
    const other = await created({ name: 'response-other' });
    const ask = { model: 'claude-sonnet-4.6', input: 'keep this', store: true };

    const response = (await request(h.url).post('/v1/responses').set(bearer(owner.secret)).send(ask).expect(200)).body as { id: string };

    await request(h.url).get(`/v1/responses/${response.id}`).set(bearer(owner.secret)).expect(200);
    for (const key of [other.secret, STATIC_KEY, PROXY_KEY]) {
      await request(h.url).get(`/v1/responses/${response.id}`).set(bearer(key)).expect(404);
      const continued = await request(h.url).post('/v1/responses').set(bearer(key)).send({ ...ask, input: 'go on', previous_response_id: response.id }).expect(404);
      expect(continued.body.error.code).toBe('previous_response_not_found');
    }
    await request(h.url).post('/v1/responses').set(bearer(owner.secret)).send({ ...ask, input: 'go on', previous_response_id: response.id }).expect(200);
    // PROXY_API_KEY keeps its own (the owner `gateway`, as before client keys).
    const byDefault = (await request(h.url).post('/v1/responses').set(bearer(PROXY_KEY)).send(ask).expect(200)).body as { id: string };
    await request(h.url).get(`/v1/responses/${byDefault.id}`).set(bearer(PROXY_KEY)).expect(200);
    await request(h.url).get(`/v1/responses/${byDefault.id}`).set(bearer(owner.secret)).expect(404);
  });

  describe('allowed models, with MODEL_ALIASES=claude-sonnet-4.5=claude-opus-4.5', () => {
    const ask = async (secret: string, model: string) => request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('which model?', model));

    it('refuses every spelling of claude-sonnet-4.5 to a key allowing it by name: opus would answer', async () => {
      const { secret } = await created({ name: 'sonnet-by-name', models: ['claude-sonnet-4.5'] });
      const byDate = await created({ name: 'sonnet-by-date', models: ['claude-sonnet-4-5-20250929'] });

      expect((await ask(secret, 'claude-sonnet-4.5')).status).toBe(403);
      expect((await ask(secret, 'claude-sonnet-4-5-20250929')).status).toBe(403);
      expect((await ask(byDate.secret, 'claude-sonnet-4-5-20250929')).status).toBe(403);
      const models = (await request(h.url).get('/v1/models').set(bearer(secret)).expect(200)).body.data as Array<{ id: string }>;
      expect(models.map((m) => m.id)).toEqual([]);
    });

    it('serves every spelling of the alias to a key allowing the model it leads to', async () => {
      const { secret } = await created({ name: 'opus-allowed', models: ['claude-opus-4.5'] });

      const dated = await ask(secret, 'claude-sonnet-4-5-20250929');
      const aliased = await ask(secret, 'claude-sonnet-4.5');

      expect([dated.status, dated.headers['x-kiro-model']]).toEqual([200, 'claude-opus-4.5']);
      expect([aliased.status, aliased.headers['x-kiro-model']]).toEqual([200, 'claude-opus-4.5']);
      expect((await ask(secret, 'claude-sonnet-4.6')).status).toBe(403);
    });

    it('normalises prefix entries: claude-sonnet-4-* allows claude-sonnet-4-6 and claude-sonnet-4.6, not claude-sonnet-4', async () => {
      const { secret } = await created({ name: 'sonnet-4-prefix', models: ['claude-sonnet-4-*'] });

      expect((await ask(secret, 'claude-sonnet-4-6')).status).toBe(200);
      expect((await ask(secret, 'claude-sonnet-4.6')).status).toBe(200);
      expect((await ask(secret, 'claude-sonnet-4')).status).toBe(403);
    });
  });

  it("answers /v1/usage for the key's own accounts, and no more than its budget leaves", async () => {
    const { secret } = await created({ name: 'only-b-small-budget', accounts: ['b'], dailyCredits: 0.05 });
    await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('spend one')).expect(200);
    await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('spend two')).expect(200);

    const usage = (await request(h.url).get('/v1/usage').set(bearer(secret)).expect(200)).body;
    const pool = (await request(h.url).get('/v1/usage').set(bearer(PROXY_KEY)).expect(200)).body;

    expect(usage.accounts).toEqual({ total: 1, available: 1 });
    expect(usage.limit_credits).toBe(50);
    expect(usage.remaining_credits).toBe(0.01);
    expect(usage.key_budget).toEqual({ daily: { limit_credits: 0.05, used_credits: 0.04, remaining_credits: 0.01, resets_at: expect.stringMatching(/T00:00:00\.000Z$/) } });
    expect(pool.accounts).toEqual({ total: 2, available: 2 });
    expect(pool.limit_credits).toBe(1050);
    expect(pool.key_budget).toBeUndefined();
  });

  it("charges a stream cut off before Kiro's metering what the model's metered answers cost lately", async () => {
    const { key, secret } = await created({ name: 'hangs-up-early', dailyCredits: 10 });
    const credits = async (): Promise<number> => (await request(h.url).get(`/admin/api/keys/${key.id}/usage`).set(admin).expect(200)).body.daily.credits;
    await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('metered')).expect(200);
    const aborts = h.sim.stats.aborts;
    h.sim.enqueue({ ...textReply('x'.repeat(200), { chunkChars: 1, meteringUsage: 5 }), frameDelayMs: 20 });

    await leaveStreamAfter(`${h.url}/v1/chat/completions`, bearer(secret), { ...chat('long'), stream: true });
    await h.sim.waitFor((sim) => sim.stats.aborts === aborts + 1, 5_000);
    const deadline = Date.now() + 5_000;
    while ((await credits()) < 0.04 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

    // 0.02 metered, then the cut-off stream at the model's recent mean (0.02), never its unseen 5.
    expect(await credits()).toBe(0.04);
  });

  it("lists /v1/models from an account the key may use, not the pool's first", async () => {
    const { secret } = await created({ name: 'only-b-models', accounts: ['b'] });

    const own = ((await request(h.url).get('/v1/models').set(bearer(secret)).expect(200)).body.data as Array<{ id: string }>).map((m) => m.id);
    const pool = ((await request(h.url).get('/v1/models').set(bearer(PROXY_KEY)).expect(200)).body.data as Array<{ id: string }>).map((m) => m.id);

    expect(own).toContain('claude-haiku-4.5');
    expect(own).toContain('claude-sonnet-4.6');
    expect(own).not.toContain('claude-opus-4.5');
    expect(pool).toContain('claude-opus-4.5');
  });
});
