import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Kiro's `metadataEvent.stopReason` (kiro-protocol.md §9.5) as each API names it, streamed and
 * not, through the simulator's `[sim:stop REASON]`.
 */
const REASONS: Array<[kiro: string, anthropic: string, chat: string, responses: { status: string; incomplete_details: { reason: string } | null }]> = [
  ['END_TURN', 'end_turn', 'stop', { status: 'completed', incomplete_details: null }],
  ['MAX_TOKENS', 'max_tokens', 'length', { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }],
  ['CONTENT_FILTERED', 'refusal', 'content_filter', { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }],
  ['MODEL_CONTEXT_WINDOW_EXCEEDED', 'model_context_window_exceeded', 'length', { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }],
  ['PAUSE_TURN', 'pause_turn', 'stop', { status: 'completed', incomplete_details: null }],
];

type Event = Record<string, unknown>;
const events = (text: string) => parseSse(text).filter((event): event is Event => event !== '[DONE]');

describe('stop reasons from Kiro (e2e)', () => {
  let h: Harness;
  let anthropic: Anthropic;
  const ask = (kiro: string) => `[sim:stop ${kiro}]`;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
    anthropic = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });
  });
  afterAll(() => h.close());

  it.each(REASONS)('Anthropic: %s is stop_reason %s', async (kiro, stopReason) => {
    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: ask(kiro) }] });

    expect(message.stop_reason).toBe(stopReason);
    expect(message.content[0]).toMatchObject({ type: 'text' });
  });

  it.each(REASONS)('Anthropic stream: %s is the message_delta stop_reason %s', async (kiro, stopReason) => {
    const res = await request(h.url)
      .post('/v1/messages')
      .set('x-api-key', PROXY_KEY)
      .send({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: ask(kiro) }] });

    const delta = events(res.text).find((event) => event.type === 'message_delta');
    expect(delta?.delta).toStrictEqual({ stop_reason: stopReason, stop_sequence: null });
  });

  it.each(REASONS)('OpenAI chat: %s (Anthropic %s) is finish_reason %s', async (kiro, _anthropic, finishReason) => {
    const completion = await h.openai().chat.completions.create({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: ask(kiro) }] });

    expect(completion.choices[0].finish_reason).toBe(finishReason);
  });

  it.each(REASONS)('OpenAI chat stream: %s (Anthropic %s) is the last chunk\'s finish_reason %s', async (kiro, _anthropic, finishReason) => {
    const stream = await h.openai().chat.completions.create({ model: 'claude-sonnet-4.5', stream: true, messages: [{ role: 'user', content: ask(kiro) }] });
    const reasons: Array<string | null> = [];
    for await (const chunk of stream) reasons.push(chunk.choices[0]?.finish_reason ?? null);

    expect(reasons.filter((reason) => reason !== null)).toStrictEqual([finishReason]);
  });

  it.each(REASONS)('Responses: %s (Anthropic %s, chat %s) is %o', async (kiro, _anthropic, _chat, expected) => {
    const response = await h.openai().responses.create({ model: 'claude-sonnet-4.5', input: ask(kiro) });

    // toEqual: the SDK's parsed objects are not plain literals.
    expect({ status: response.status, incomplete_details: response.incomplete_details }).toEqual(expected);
  });

  it.each(REASONS)('Responses stream: %s (Anthropic %s, chat %s) ends the stream as %o', async (kiro, _anthropic, _chat, expected) => {
    const res = await request(h.url)
      .post('/v1/responses')
      .set('authorization', `Bearer ${PROXY_KEY}`)
      .send({ model: 'claude-sonnet-4.5', stream: true, input: ask(kiro) });

    const last = events(res.text).at(-1) as { type: string; response: { status: string; incomplete_details: unknown } };
    expect(last.type).toBe(expected.status === 'completed' ? 'response.completed' : 'response.incomplete');
    expect({ status: last.response.status, incomplete_details: last.response.incomplete_details }).toStrictEqual(expected);
  });
});
