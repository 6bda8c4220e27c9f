import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import request from 'supertest';
import { quotaExceeded, textReply, throttled } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Errors tell the clients' own retry logic what to do (x-should-retry, which the OpenAI and
 * Anthropic SDKs obey before their status rules): retry what may pass next time, not what cannot.
 */
describe('error responses and the clients retries (e2e)', () => {
  let h: Harness;
  // The SDKs' defaults, with their backoff shortened by the gateway's Retry-After of 1 s at most.
  const openai = () => new OpenAI({ apiKey: PROXY_KEY, baseURL: `${h.url}/v1`, maxRetries: 2, timeout: 20_000 });
  const anthropic = () => new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 2, timeout: 20_000 });
  const ask = { model: 'claude-sonnet-4.5', max_tokens: 50, messages: [{ role: 'user' as const, content: 'Hi' }] };

  beforeAll(async () => {
    // The gateway gives up at once, so that each failure reaches the client's retry logic.
    h = await startHarness({ env: { MAX_RETRIES: '0', FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('says not to retry a spent quota: neither SDK asks again', async () => {
    h.sim.enqueue(quotaExceeded(), quotaExceeded());

    await expect(openai().chat.completions.create(ask)).rejects.toMatchObject({ status: 429, code: 'insufficient_quota' });
    expect(h.sim.stats.chatRequests).toBe(1);
    await expect(anthropic().messages.create(ask)).rejects.toMatchObject({ status: 429 });
    expect(h.sim.stats.chatRequests).toBe(2);
  });

  it('says to retry throttling: the SDK asks again and gets the answer', async () => {
    h.sim.enqueue(throttled(), textReply('after the throttle'), throttled(), textReply('again after it'));

    const completion = await openai().chat.completions.create(ask);
    const message = await anthropic().messages.create(ask);

    expect(completion.choices[0].message.content).toBe('after the throttle');
    expect(message.content).toEqual([{ type: 'text', text: 'again after it' }]);
    expect(h.sim.stats.chatRequests).toBe(4);
  });

  it.each([
    ['a spent quota', () => h.sim.enqueue(quotaExceeded()), 429, 'false'],
    ['throttling', () => h.sim.enqueue(throttled()), 429, 'true'],
  ])('answers %s with x-should-retry in both API shapes', async (_what, script, status, shouldRetry) => {
    for (const route of ['/v1/chat/completions', '/v1/messages']) {
      script();
      const res = await request(h.url).post(route).set('Authorization', `Bearer ${PROXY_KEY}`).send(ask);

      expect(res.status).toBe(status);
      expect(res.headers['x-should-retry']).toBe(shouldRetry);
    }
  });

  it('says not to retry a request the client got wrong', async () => {
    const res = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ ...ask, messages: [] });

    expect(res.status).toBe(400);
    expect(res.headers['x-should-retry']).toBe('false');
    expect(h.sim.stats.chatRequests).toBe(0);
  });
});
