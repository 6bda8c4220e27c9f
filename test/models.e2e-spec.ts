import request from 'supertest';
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
