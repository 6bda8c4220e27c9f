import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { textReply } from './simulator';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * One input-token figure per request, whichever API asks: OpenAI chat (stream and not), the
 * Anthropic Messages API (message_start, message_delta, non-stream), the Responses API and
 * count_tokens: Kiro's exact token usage when it sends one, else the local count. The simulator's
 * context percentage includes a Kiro-like system prompt, as the real one does, so a figure derived
 * from it would not agree with count_tokens.
 */

const SYSTEM = 'You are a terse assistant. Answer in one short sentence.';
const QUESTION = 'What is the capital of France? Explain how you know, in a few words.';
const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string', description: 'City name' } }, required: ['city'] };

describe('usage figures (e2e)', () => {
  let h: Harness;
  let anthropic: Anthropic;

  beforeAll(async () => {
    // FAKE_REASONING as in the demo: the thinking instructions the gateway adds are not the prompt.
    h = await startHarness({ env: { FAKE_REASONING: 'true' } });
    anthropic = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  /** Every figure the gateway reports for one conversation, by where it appears. */
  async function figures(
    anthropicBody: Anthropic.MessageCreateParamsNonStreaming,
    openaiBody: Record<string, unknown>,
    responsesBody: Record<string, unknown>,
  ): Promise<Record<string, number>> {
    const openai = h.openai();
    const chat = await openai.chat.completions.create({ ...openaiBody, model: 'claude-sonnet-4.5' } as never);
    const chatStream = await request(h.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${PROXY_KEY}`)
      .send({ ...openaiBody, model: 'claude-sonnet-4.5', stream: true, stream_options: { include_usage: true } });
    const lastChunk = parseSse(chatStream.text).filter((event) => event !== '[DONE]').pop() as { usage: { prompt_tokens: number } };
    const message = await anthropic.messages.create(anthropicBody);
    const stream = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ ...anthropicBody, stream: true });
    const events = stream.text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; message?: { usage: { input_tokens: number } }; usage?: { input_tokens: number } });
    const counted = await anthropic.messages.countTokens({ model: anthropicBody.model, messages: anthropicBody.messages, system: anthropicBody.system, tools: anthropicBody.tools });
    const response = await openai.responses.create({ ...responsesBody, model: 'claude-sonnet-4.5' } as never);
    return {
      openaiChat: (chat as { usage: { prompt_tokens: number } }).usage.prompt_tokens,
      openaiChatStream: lastChunk.usage.prompt_tokens,
      anthropic: message.usage.input_tokens,
      anthropicMessageStart: events.find((e) => e.type === 'message_start')?.message?.usage.input_tokens ?? -1,
      anthropicMessageDelta: events.find((e) => e.type === 'message_delta')?.usage?.input_tokens ?? -1,
      countTokens: counted.input_tokens,
      responses: (response as { usage: { input_tokens: number } }).usage.input_tokens,
    };
  }

  const same = (value: number): Record<string, number> => ({
    openaiChat: value,
    openaiChatStream: value,
    anthropic: value,
    anthropicMessageStart: value,
    anthropicMessageDelta: value,
    countTokens: value,
    responses: value,
  });

  it('reports the same small figure for "Hello!" everywhere (not a fixed share of the window)', async () => {
    const result = await figures(
      { model: 'claude-sonnet-4.5', max_tokens: 100, messages: [{ role: 'user', content: 'Hello!' }] },
      { messages: [{ role: 'user', content: 'Hello!' }] },
      { input: 'Hello!' },
    );

    expect(result).toEqual(same(2));
  });

  it('reports one figure for a system prompt, a question and a tool', async () => {
    const result = await figures(
      {
        model: 'claude-sonnet-4.5',
        max_tokens: 100,
        system: SYSTEM,
        messages: [{ role: 'user', content: QUESTION }],
        tools: [{ name: 'get_weather', description: 'Current weather for a city.', input_schema: WEATHER_SCHEMA as Anthropic.Tool.InputSchema }],
      },
      {
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: QUESTION },
        ],
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city.', parameters: WEATHER_SCHEMA } }],
      },
      {
        instructions: SYSTEM,
        input: QUESTION,
        tools: [{ type: 'function', name: 'get_weather', description: 'Current weather for a city.', parameters: WEATHER_SCHEMA, strict: false }],
      },
    );

    const figure = result.countTokens;
    expect(figure).toBeGreaterThan(40);
    expect(figure).toBeLessThan(120);
    expect(result).toEqual(same(figure));
  });

  /** The usage in an Anthropic stream's message_start and final message_delta. */
  async function streamUsages(): Promise<unknown[]> {
    const stream = await request(h.url)
      .post('/v1/messages')
      .set('x-api-key', PROXY_KEY)
      .send({ model: 'claude-sonnet-4.5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Hello!' }] });
    return stream.text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; message?: { usage: unknown }; usage?: unknown })
      .flatMap((e) => (e.type === 'message_start' ? [e.message?.usage] : e.type === 'message_delta' ? [e.usage] : []));
  }

  it("keeps one figure when Kiro reports only its context percentage, which counts Kiro's own system prompt", async () => {
    // An unscripted answer: the simulator's percentage includes Kiro's system prompt, as Kiro's does.
    const usages = await streamUsages();

    expect(usages).toEqual([
      { input_tokens: 2, output_tokens: 0 },
      // The final usage carries Kiro's metering too.
      { input_tokens: 2, output_tokens: expect.any(Number), credits_used: 0.01 },
    ]);
  });

  it("uses Kiro's exact token usage in the final figures when Kiro sends it (metadataEvent)", async () => {
    h.sim.enqueue({
      kind: 'stream',
      events: [
        { type: 'text', content: 'Hi there!' },
        { type: 'contextUsage', percentage: 1.6 },
        { type: 'unknown', eventType: 'metadataEvent', payload: { tokenUsage: { uncachedInputTokens: 3012, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 4, totalTokens: 3016 } } },
      ],
    });

    const usages = await streamUsages();

    // message_start comes before Kiro's figure exists: it carries the local count. Kiro's count
    // names its cache figures (zero here), so the final usage reports them as Anthropic's API does.
    expect(usages).toEqual([
      { input_tokens: 2, output_tokens: 0 },
      { input_tokens: 3012, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 4 },
    ]);
  });
});
