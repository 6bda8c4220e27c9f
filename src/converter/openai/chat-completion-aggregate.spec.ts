import type { AssistantEvent } from '../response/assistant-events';
import { aggregateChatCompletion } from './chat-completion-aggregate';
import type { CompletionMeta } from './chat-completion.types';

const META: CompletionMeta = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'claude-sonnet-4.5', includeUsage: false };

describe(aggregateChatCompletion.name, () => {
  it('joins text deltas into one message', () => {
    const events: AssistantEvent[] = [
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ' world' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2 } },
    ];

    expect(aggregateChatCompletion(META, events)).toStrictEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-sonnet-4.5',
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello world', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    });
  });

  it('adds reasoning_content when there was reasoning', () => {
    const events: AssistantEvent[] = [
      { type: 'reasoning', text: 'Let me ' },
      { type: 'reasoning', text: 'think.' },
      { type: 'text', text: '42' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } },
    ];

    expect(aggregateChatCompletion(META, events).choices[0].message).toStrictEqual({
      role: 'assistant',
      content: '42',
      reasoning_content: 'Let me think.',
      refusal: null,
    });
  });

  it('sets content to null when the answer is only tool calls', () => {
    const events: AssistantEvent[] = [
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'get_weather' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"city":' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"city":"Paris"}' },
      { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 10, outputTokens: 5 } },
    ];

    expect(aggregateChatCompletion(META, events)).toStrictEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-sonnet-4.5',
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'tooluse_A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
            refusal: null,
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  });

  it('keeps text next to tool calls, with the calls in index order', () => {
    const events: AssistantEvent[] = [
      { type: 'text', text: 'Checking both.' },
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'a' },
      { type: 'toolCallStart', index: 1, id: 'tooluse_B', name: 'b' },
      { type: 'toolCallEnd', index: 1, arguments: '{"y":2}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"x":1}' },
      { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 1, outputTokens: 1 } },
    ];

    expect(aggregateChatCompletion(META, events).choices[0].message).toStrictEqual({
      role: 'assistant',
      content: 'Checking both.',
      tool_calls: [
        { id: 'tooluse_A', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
        { id: 'tooluse_B', type: 'function', function: { name: 'b', arguments: '{"y":2}' } },
      ],
      refusal: null,
    });
  });

  it('sets content to an empty string when there is neither text nor a tool call', () => {
    const events: AssistantEvent[] = [{ type: 'end', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 0 } }];

    expect(aggregateChatCompletion(META, events).choices[0].message).toStrictEqual({ role: 'assistant', content: '', refusal: null });
  });

  it('carries finish_reason length', () => {
    const events: AssistantEvent[] = [
      { type: 'text', text: 'Once upon' },
      { type: 'end', finishReason: 'length', usage: { inputTokens: 1, outputTokens: 2 } },
    ];

    expect(aggregateChatCompletion(META, events).choices[0].finish_reason).toBe('length');
  });

  it('adds credits_used to usage when credits are known', () => {
    const events: AssistantEvent[] = [{ type: 'end', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 4, credits: 0.75 } }];

    expect(aggregateChatCompletion(META, events).usage).toStrictEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, credits_used: 0.75 });
  });

  it('falls back to stop and zero usage when no end event arrived', () => {
    const completion = aggregateChatCompletion(META, [{ type: 'text', text: 'Hi' }]);

    expect([completion.choices[0].finish_reason, completion.usage]).toStrictEqual([
      'stop',
      { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    ]);
  });
});
