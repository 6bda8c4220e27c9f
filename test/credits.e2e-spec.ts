import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { type StreamScenario, textEvents } from './simulator';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Kiro's credits (every meteringEvent of an answer, kiro-protocol.md §9.4) in each API's usage as
 * `credits_used`, and in /metrics as kiro_gateway_credits_total by Kiro model and account.
 */

/** An answer metered twice (a follow-up within one response): 0.25 + 0.125 credits. */
const meteredTwice = (): StreamScenario => ({
  kind: 'stream',
  events: [...textEvents('Paris.'), { type: 'metering', usage: 0.25 }, { type: 'contextUsage', percentage: 1 }, { type: 'metering', usage: 0.125 }],
});
const unmetered = (): StreamScenario => ({ kind: 'stream', events: [...textEvents('Paris.'), { type: 'contextUsage', percentage: 1 }] });

type Event = Record<string, unknown>;
const events = (text: string) => parseSse(text).filter((event): event is Event => event !== '[DONE]');

async function creditsMetric(h: Harness, account: string): Promise<number> {
  const res = await request(h.url).get('/metrics').set('authorization', `Bearer ${PROXY_KEY}`);
  const line = new RegExp(`^kiro_gateway_credits_total\\{model="claude-sonnet-4.5",account="${account}"\\} ([\\d.]+)$`, 'm').exec(res.text);
  return line ? Number(line[1]) : 0;
}

describe('Kiro credits (e2e)', () => {
  let h: Harness;
  let anthropic: Anthropic;
  const ask = [{ role: 'user' as const, content: 'Capital of France?' }];

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
    anthropic = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('Anthropic: usage.credits_used adds up every metering event', async () => {
    h.sim.enqueue(meteredTwice());

    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: ask });

    expect((message.usage as unknown as Record<string, unknown>).credits_used).toBe(0.375);
  });

  it('Anthropic stream: the message_delta usage carries credits_used', async () => {
    h.sim.enqueue(meteredTwice());

    const res = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: ask });

    const delta = events(res.text).find((event) => event.type === 'message_delta') as { usage: Record<string, unknown> };
    expect(delta.usage.credits_used).toBe(0.375);
  });

  it('Responses: usage.credits_used, also in the stored response', async () => {
    h.sim.enqueue(meteredTwice());

    const response = await h.openai().responses.create({ model: 'claude-sonnet-4.5', input: 'Capital of France?' });
    const stored = await request(h.url).get(`/v1/responses/${response.id}`).set('authorization', `Bearer ${PROXY_KEY}`);

    expect((response.usage as unknown as Record<string, unknown>).credits_used).toBe(0.375);
    expect(stored.body.usage.credits_used).toBe(0.375);
  });

  it('Responses stream: response.completed carries credits_used', async () => {
    h.sim.enqueue(meteredTwice());

    const res = await request(h.url).post('/v1/responses').set('authorization', `Bearer ${PROXY_KEY}`).send({ model: 'claude-sonnet-4.5', stream: true, input: 'Capital of France?' });

    const completed = events(res.text).at(-1) as { type: string; response: { usage: Record<string, unknown> } };
    expect(completed.type).toBe('response.completed');
    expect(completed.response.usage.credits_used).toBe(0.375);
  });

  it('reports no credits_used when Kiro metered nothing', async () => {
    h.sim.enqueue(unmetered(), unmetered());

    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: ask });
    const response = await h.openai().responses.create({ model: 'claude-sonnet-4.5', input: 'Capital of France?' });

    expect(message.usage).not.toHaveProperty('credits_used');
    expect(response.usage).not.toHaveProperty('credits_used');
  });

  it("counts the credits in /metrics by Kiro model and the serving account", async () => {
    const before = await creditsMetric(h, 'default');
    h.sim.enqueue(meteredTwice(), meteredTwice());

    await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: ask });
    await h.openai().chat.completions.create({ model: 'claude-sonnet-4.5', stream: true, messages: ask }).then(async (stream) => {
      for await (const _ of stream);
    });

    expect((await creditsMetric(h, 'default')) - before).toBeCloseTo(0.75, 9);
  });

  it("counts a tenant's credits under its tenant label, never its token", async () => {
    h.sim.enqueue(meteredTwice());
    const tenantKey = `${PROXY_KEY}:sim-refresh-token`;

    await h.openai(tenantKey).chat.completions.create({ model: 'claude-sonnet-4.5', messages: ask });

    const metrics = (await request(h.url).get('/metrics').set('authorization', `Bearer ${PROXY_KEY}`)).text;
    const tenantLines = metrics.split('\n').filter((line) => line.startsWith('kiro_gateway_credits_total{') && !line.includes('account="default"'));
    expect(tenantLines).toHaveLength(1);
    expect(tenantLines[0]).toMatch(/^kiro_gateway_credits_total\{model="claude-sonnet-4\.5",account="[0-9a-f]{12}"\} 0\.375$/);
    expect(metrics).not.toContain('sim-refresh-token');
  });
});
