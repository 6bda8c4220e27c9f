import request from 'supertest';
import { SIM_MODEL_CATALOG, textReply } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Model names users do not choose (Claude Code's default `claude-opus-5-5`, Codex's `gpt-5.5`):
 * served from the account's catalog, the newest of the family, MODEL_ALIASES or MODEL_FALLBACK,
 * with the model really used in `x-kiro-model`.
 */
const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const kiroModelIds = (h: Harness): string[] =>
  h.sim.requests
    .filter((r) => r.path === '/generateAssistantResponse')
    .map((r) => (r.body as { conversationState: { currentMessage: { userInputMessage: { modelId: string } } } }).conversationState.currentMessage.userInputMessage.modelId);

describe('model names missing from the catalog (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it("serves Claude Code's default model with the newest Opus the account has, named in x-kiro-model", async () => {
    h.sim.enqueue(textReply('Hi from Opus'));

    const res = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ model: 'claude-opus-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });

    expect(res.status).toBe(200);
    expect(res.headers['x-kiro-model']).toBe('claude-opus-4.7');
    expect(res.body).toMatchObject({ model: 'claude-opus-5-5', content: [{ type: 'text', text: 'Hi from Opus' }] });
    expect(kiroModelIds(h)).toStrictEqual(['claude-opus-4.7']);
  });

  it('names the model in x-kiro-model on streamed chat completions and on Responses too', async () => {
    const chat = await request(h.url).post('/v1/chat/completions').set(auth).send({ model: 'claude-sonnet-5', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const responses = await request(h.url).post('/v1/responses').set(auth).send({ model: 'claude-haiku-4-5-20251001', input: 'Hi' });

    expect(chat.status).toBe(200);
    expect(chat.headers['x-kiro-model']).toBe('claude-sonnet-4.6');
    expect(responses.status).toBe(200);
    expect(responses.headers['x-kiro-model']).toBe('claude-haiku-4.5');
    expect(kiroModelIds(h)).toStrictEqual(['claude-sonnet-4.6', 'claude-haiku-4.5']);
  });

  it('retrieves a model by a name the newest of its family serves, and 404s a name of no family', async () => {
    const served = await request(h.url).get('/v1/models/claude-opus-5-5').set(auth);
    const unknown = await request(h.url).get('/v1/models/gpt-5.5').set(auth);

    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ id: 'claude-opus-5-5', object: 'model' });
    expect(unknown.status).toBe(404);
  });

  it('answers 404 model_not_found for a name of no known family, listing what the account has, without calling Kiro', async () => {
    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'Hi' }] });

    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(res.body.error.message).toContain(SIM_MODEL_CATALOG.map((m) => m.modelId).join(', '));
    expect(h.sim.stats.chatRequests).toBe(0);
  });
});

describe('MODEL_ALIASES and MODEL_FALLBACK (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', MODEL_ALIASES: 'gpt-5.5=claude-sonnet-4.5,claude-opus-5-5=claude-opus-4.5', MODEL_FALLBACK: 'claude-haiku-4.5' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('serves an aliased name with its target, even where the family rule would pick another', async () => {
    const gpt = await request(h.url).post('/v1/responses').set(auth).send({ model: 'gpt-5.5', input: 'Hi' });
    const opus = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ model: 'claude-opus-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });

    expect([gpt.status, opus.status]).toStrictEqual([200, 200]);
    expect([gpt.headers['x-kiro-model'], opus.headers['x-kiro-model']]).toStrictEqual(['claude-sonnet-4.5', 'claude-opus-4.5']);
    expect(kiroModelIds(h)).toStrictEqual(['claude-sonnet-4.5', 'claude-opus-4.5']);
  });

  it('serves a name of no known family with MODEL_FALLBACK', async () => {
    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ model: 'gemini-3-pro', messages: [{ role: 'user', content: 'Hi' }] });

    expect(res.status).toBe(200);
    expect(res.headers['x-kiro-model']).toBe('claude-haiku-4.5');
    expect(res.body.model).toBe('gemini-3-pro');
  });
});

describe("a tenant's own catalog (e2e)", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', REFRESH_TOKEN: '', KIRO_HOME: '/nonexistent-kiro-home' } });
  });
  afterAll(() => h.close());

  it('routes a multi-tenant-only caller by the catalog its own login lists', async () => {
    h.sim.addRefreshToken('routing-tenant-token');

    const res = await request(h.url)
      .post('/v1/messages')
      .set('x-api-key', `${PROXY_KEY}:routing-tenant-token`)
      .send({ model: 'claude-opus-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });

    expect(res.status).toBe(200);
    expect(res.headers['x-kiro-model']).toBe('claude-opus-4.7');
    expect(h.sim.stats.modelListRequests).toBe(1);
  });
});

describe('model names of any length (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());

  const hi = [{ role: 'user', content: 'Hi' }];

  it.each([
    ['chat completions', '/v1/chat/completions', { messages: hi }, { type: 'invalid_request_error', param: 'model' }],
    ['messages', '/v1/messages', { max_tokens: 10, messages: hi }, { type: 'invalid_request_error' }],
    ['count_tokens', '/v1/messages/count_tokens', { messages: hi }, { type: 'invalid_request_error' }],
    ['responses', '/v1/responses', { input: 'Hi' }, { type: 'invalid_request_error', param: 'model' }],
  ])('refuses a 1 MB model name on %s with a 400 naming the bound, and keeps serving', async (_family, path, body, error) => {
    for (let i = 0; i < 5; i++) {
      const res = await request(h.url).post(path).set(auth).send({ model: `claude-opus-${i}-${'x'.repeat(1024 * 1024)}`, ...body });

      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ ...error, message: expect.stringContaining('model must be at most 256 characters long') });
      expect(JSON.stringify(res.body).length).toBeLessThan(1_000);
    }
    expect((await request(h.url).get('/health/live')).status).toBe(200);
  });

  it('serves a model name of 256 characters (the bound), routed by its family', async () => {
    h.sim.enqueue(textReply('at the bound'));
    const model = `claude-opus-5-${'9'.repeat(256 - 'claude-opus-5-'.length)}`;

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ model, messages: hi });

    expect(res.status).toBe(200);
    expect(res.headers['x-kiro-model']).toBe('claude-opus-4.7');
  });
});
