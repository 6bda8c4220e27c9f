import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { type StreamScenario, textEvents } from './simulator';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Kiro's own token usage (metadataEvent.tokenUsage, kiro-protocol.md §9.5–9.6) in every API:
 * input as uncached + cache read + cache write, and the cache figures where each API has them.
 * Without Kiro's usage the figures are estimates and carry no cache fields.
 */

/** An answer whose metadataEvent reports 1,000 input tokens, 900 of them read from the cache. */
const cachedAnswer = (): StreamScenario => ({
  kind: 'stream',
  events: [
    ...textEvents('Paris.'),
    { type: 'metadata', stopReason: 'END_TURN', tokenUsage: { uncachedInputTokens: 10, cacheReadInputTokens: 900, cacheWriteInputTokens: 90, outputTokens: 3, totalTokens: 1003 } },
    { type: 'metering', usage: 0.02 },
  ],
});
const estimatedAnswer = (): StreamScenario => ({ kind: 'stream', events: [...textEvents('Paris.'), { type: 'contextUsage', percentage: 1 }] });

describe('prompt-cache usage from Kiro (e2e)', () => {
  let h: Harness;
  let anthropic: Anthropic;
  const ask = [{ role: 'user' as const, content: 'Capital of France?' }];

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
    anthropic = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('Anthropic: input_tokens uncached, cache_read_input_tokens and cache_creation_input_tokens apart', async () => {
    h.sim.enqueue(cachedAnswer());

    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: ask });

    expect(message.usage).toMatchObject({ input_tokens: 10, cache_read_input_tokens: 900, cache_creation_input_tokens: 90, output_tokens: 3 });
  });

  it('Anthropic stream: the message_delta carries the cache figures', async () => {
    h.sim.enqueue(cachedAnswer());

    const res = await request(h.url)
      .post('/v1/messages')
      .set('x-api-key', PROXY_KEY)
      .send({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: ask });

    const delta = parseSse(res.text).find((event) => event !== '[DONE]' && event.type === 'message_delta') as { usage: Record<string, number> };
    expect(delta.usage).toStrictEqual({ input_tokens: 10, output_tokens: 3, cache_read_input_tokens: 900, cache_creation_input_tokens: 90, credits_used: 0.02 });
  });

  it('OpenAI chat: prompt_tokens is the whole input, cached_tokens the cache read', async () => {
    h.sim.enqueue(cachedAnswer());

    const completion = await h.openai().chat.completions.create({ model: 'claude-sonnet-4.5', messages: ask });

    expect(completion.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 3, total_tokens: 1003, prompt_tokens_details: { cached_tokens: 900 } });
  });

  it('Responses: input_tokens is the whole input, input_tokens_details.cached_tokens the cache read', async () => {
    h.sim.enqueue(cachedAnswer());

    const response = await h.openai().responses.create({ model: 'claude-sonnet-4.5', input: 'Capital of France?' });

    expect(response.usage).toMatchObject({ input_tokens: 1000, input_tokens_details: { cached_tokens: 900 }, output_tokens: 3 });
  });

  it('invents no cache figures when Kiro reports no token usage', async () => {
    h.sim.enqueue(estimatedAnswer(), estimatedAnswer());

    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: ask });
    const completion = await h.openai().chat.completions.create({ model: 'claude-sonnet-4.5', messages: ask });

    expect(message.usage.cache_read_input_tokens ?? null).toBeNull();
    expect(message.usage.cache_creation_input_tokens ?? null).toBeNull();
    expect(completion.usage).not.toHaveProperty('prompt_tokens_details');
  });
});
