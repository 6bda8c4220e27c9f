import type { AssistantEvent } from '../response/assistant-events';
import type { AnthropicMessageMeta } from './anthropic-messages.types';
import { aggregateAnthropicMessage } from './anthropic-aggregate';

const META: AnthropicMessageMeta = { id: 'msg_01', model: 'claude-sonnet-4-5', inputTokensEstimate: () => 42 };

describe(aggregateAnthropicMessage.name, () => {
  it('builds a message with thinking, then text, then tool_use blocks', () => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'reasoning', text: 'Need the weather.' },
      { type: 'text', text: 'Let me check.' },
      { type: 'toolCallStart', index: 0, id: 'toolu_A', name: 'get_weather' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"city":"Paris"}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"city":"Paris"}' },
      { type: 'toolCallStart', index: 1, id: 'toolu_B', name: 'get_time' },
      { type: 'toolCallDelta', index: 1, argumentsDelta: '{"tz":"CET"}' },
      { type: 'toolCallEnd', index: 1, arguments: '{"tz":"CET"}' },
      { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 120, outputTokens: 45 } },
    ]);

    expect(message).toStrictEqual({
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'Need the weather.', signature: '' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_A', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_B', name: 'get_time', input: { tz: 'CET' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 120, output_tokens: 45 },
    });
  });

  it('merges consecutive text events into one text block', () => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'text', text: '!' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2 } },
    ]);

    expect(message.content).toStrictEqual([{ type: 'text', text: 'Hello!' }]);
  });

  it('merges consecutive reasoning events into one thinking block', () => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'reasoning', text: 'First, ' },
      { type: 'reasoning', text: 'then.' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2 } },
    ]);

    expect(message.content).toStrictEqual([{ type: 'thinking', thinking: 'First, then.', signature: '' }]);
  });

  it('returns thinking blocks with empty text for display: "omitted"', () => {
    const message = aggregateAnthropicMessage({ ...META, omitThinkingText: true }, [
      { type: 'reasoning', text: 'Private reasoning.' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2 } },
    ]);

    expect(message.content).toStrictEqual([{ type: 'thinking', thinking: '', signature: '' }]);
  });

  it('parses the tool input from the final arguments of each call, interleaved or not', () => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'toolCallStart', index: 0, id: 'toolu_A', name: 'read_file' },
      { type: 'toolCallStart', index: 1, id: 'toolu_B', name: 'grep' },
      { type: 'toolCallDelta', index: 1, argumentsDelta: '{"pattern":"TODO"' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"path":"a.ts"' },
      { type: 'toolCallEnd', index: 1, arguments: '{"pattern":"TODO","limit":3}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"path":"a.ts"}' },
      { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 10, outputTokens: 20 } },
    ]);

    expect(message.content).toStrictEqual([
      { type: 'tool_use', id: 'toolu_A', name: 'read_file', input: { path: 'a.ts' } },
      { type: 'tool_use', id: 'toolu_B', name: 'grep', input: { pattern: 'TODO', limit: 3 } },
    ]);
  });

  it.each([
    ['stop', 'end_turn'],
    ['tool_calls', 'tool_use'],
    ['length', 'max_tokens'],
  ] as const)('maps finish reason %s to stop_reason %s', (finishReason, stopReason) => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'text', text: 'x' },
      { type: 'end', finishReason, usage: { inputTokens: 10, outputTokens: 1 } },
    ]);

    expect(message.stop_reason).toBe(stopReason);
  });

  it("takes usage from the end event's counts", () => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'text', text: 'x' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 1500, outputTokens: 321, credits: 0.4 } },
    ]);

    expect(message.usage).toStrictEqual({ input_tokens: 1500, output_tokens: 321 });
  });

  it('falls back to end_turn and the input estimate when no end event arrived', () => {
    const events: AssistantEvent[] = [{ type: 'text', text: 'cut' }];

    const message = aggregateAnthropicMessage(META, events);

    expect({ stop_reason: message.stop_reason, usage: message.usage }).toStrictEqual({
      stop_reason: 'end_turn',
      usage: { input_tokens: 42, output_tokens: 0 },
    });
  });

  it('returns empty content for an empty answer', () => {
    const message = aggregateAnthropicMessage(META, [{ type: 'end', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 0 } }]);

    expect(message.content).toStrictEqual([]);
  });
});
