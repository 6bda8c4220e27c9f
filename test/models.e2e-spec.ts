import request from 'supertest';
import { SIM_MODEL_IDS, textReply } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const ids = async (h: Harness): Promise<string[]> => ((await request(h.url).get('/v1/models').set(auth)).body.data as Array<{ id: string }>).map((m) => m.id);

describe('model list cache (e2e)', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ env: { MODEL_CACHE_TTL: '0.4' } });
  });
  afterEach(() => h.close());

  it('asks Kiro once within the cache lifetime', async () => {
    await ids(h);
    await ids(h);
    await ids(h);

    expect(h.sim.stats.modelListRequests).toBe(1);
  });

  it('renews the list in the background once half the lifetime has passed', async () => {
    await ids(h);
    await new Promise((resolve) => setTimeout(resolve, 250));

    const listed = await ids(h);

    expect(listed).toContain('claude-opus-4.7');
    await h.sim.waitFor((sim) => sim.stats.modelListRequests === 2);
  });

  it('serves the last list when Kiro cannot be reached', async () => {
    expect(await ids(h)).toContain('claude-opus-4.7');
    Object.assign(h.config.kiro, { qHost: 'http://127.0.0.1:9' });
    await new Promise((resolve) => setTimeout(resolve, 450));

    const res = await request(h.url).get('/v1/models').set(auth);

    expect(res.status).toBe(200);
    expect((res.body.data as Array<{ id: string }>).map((m) => m.id)).toContain('claude-opus-4.7');
  });
});

describe('GET /v1/models: what the account can serve (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { MODEL_ALIASES: 'gpt-5.5=claude-sonnet-4.5,my-opus=claude-opus-4.7' } });
  });
  afterAll(() => h.close());

  it("lists the catalog, each model's hyphenated and dated names, and MODEL_ALIASES, nothing the account lacks", async () => {
    expect(await ids(h)).toStrictEqual([
      'auto',
      'claude-sonnet-4.5', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929',
      'claude-sonnet-4', 'claude-sonnet-4-20250514',
      'claude-haiku-4.5', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001',
      'claude-opus-4.5', 'claude-opus-4-5', 'claude-opus-4-5-20251101',
      'claude-sonnet-4.6', 'claude-sonnet-4-6',
      'claude-opus-4.6', 'claude-opus-4-6',
      'claude-opus-4.7', 'claude-opus-4-7',
      'gpt-5.5', 'my-opus',
    ]);
  });

  it('serves every listed name with the model it stands for', async () => {
    const listed = await ids(h);
    for (const id of listed) h.sim.enqueue(textReply(id));

    const served: Record<string, string> = {};
    for (const id of listed) {
      const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ model: id, messages: [{ role: 'user', content: 'Hi' }] });
      expect(res.status).toBe(200);
      served[id] = res.headers['x-kiro-model'];
    }

    expect(served).toMatchObject({ 'claude-sonnet-4-6': 'claude-sonnet-4.6', 'claude-opus-4-7': 'claude-opus-4.7', 'claude-sonnet-4-20250514': 'claude-sonnet-4', 'gpt-5.5': 'claude-sonnet-4.5', 'my-opus': 'claude-opus-4.7' });
    expect(Object.values(served).every((kiroId) => SIM_MODEL_IDS.has(kiroId))).toBe(true);
  });

  it("lists a tenant's own catalog, fetched with the tenant's login", async () => {
    h.sim.addRefreshToken('listing-tenant-token');
    const before = h.sim.stats.modelListRequests;

    const res = await request(h.url).get('/v1/models').set('Authorization', `Bearer ${PROXY_KEY}:listing-tenant-token`);

    expect(res.status).toBe(200);
    expect(h.sim.stats.modelListRequests).toBe(before + 1);
    expect((res.body.data as Array<{ id: string }>).map((m) => m.id)).toContain('claude-opus-4-7');
  });
});

describe('the first request of an account whose model list is slow (e2e)', () => {
  it('is served after a short wait, without the catalog, and the list is fetched at start-up', async () => {
    const h = await startHarness({ env: { FAKE_REASONING: 'false' } });
    try {
      await h.sim.waitFor((sim) => sim.stats.modelListRequests === 1);
      // A tenant's first request, while Kiro's model list hangs.
      h.sim.addRefreshToken('slow-catalog-tenant');
      h.sim.hangModelList(true);
      h.sim.enqueue(textReply('served without the catalog'));
      const started = Date.now();

      const res = await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}:slow-catalog-tenant`).send({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'Hi' }] });

      expect(res.status).toBe(200);
      expect(res.body.choices[0].message.content).toBe('served without the catalog');
      // The first wait is about 2 s; the list's own timeout is 30 s.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      h.sim.hangModelList(false);
      await h.close();
    }
  }, 60_000);
});
