import { from, lastValueFrom, of, Subject, throwError, toArray, catchError } from 'rxjs';
import type { AssistantEvent } from '../assistant/assistant-events';
import { render } from '../assistant/render';
import { ChatCompletionRenderer, type ChatStreamEvent, toOpenAIUsage } from './chat-completion-renderer';
import type { ChatCompletion, ChatCompletionChunk, CompletionMeta } from './chat-completion.types';

const META: CompletionMeta = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'claude-sonnet-4.5', includeUsage: false };

/** The stream a renderer gives for these events (its chunks; no failure here). */
function chunks(events: AssistantEvent[], meta: CompletionMeta = META): Promise<ChatCompletionChunk[]> {
  return lastValueFrom(from(events).pipe(render(new ChatCompletionRenderer(meta)), toArray())) as Promise<ChatStreamEvent[]> as Promise<ChatCompletionChunk[]>;
}

/** The non-stream reply the same renderer gives for these events. */
function aggregateChatCompletion(meta: CompletionMeta, events: AssistantEvent[]): ChatCompletion {
  const renderer = new ChatCompletionRenderer(meta);
  for (const event of events) renderer.process(event);
  return renderer.result();
}

describe(`${ChatCompletionRenderer.name} (stream)`, () => {
  it('streams a text answer: role chunk, content chunks, finish chunk', async () => {
    const result = await chunks([
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ' world' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2 } },
    ]);

    expect(result).toStrictEqual([
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-sonnet-4.5',
        system_fingerprint: null,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      },
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-sonnet-4.5',
        system_fingerprint: null,
        choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }],
      },
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-sonnet-4.5',
        system_fingerprint: null,
        choices: [{ index: 0, delta: { content: ' world' }, logprobs: null, finish_reason: null }],
      },
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-sonnet-4.5',
        system_fingerprint: null,
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      },
    ]);
  });

  it('sends the role chunk as soon as it is subscribed, before any event', () => {
    const events$ = new Subject<AssistantEvent>();
    const seen: ChatCompletionChunk[] = [];

    events$.pipe(render(new ChatCompletionRenderer(META))).subscribe((chunk) => seen.push(chunk as ChatCompletionChunk));

    expect(seen.map((chunk) => chunk.choices[0].delta)).toStrictEqual([{ role: 'assistant', content: '' }]);
  });

  it('streams reasoning as reasoning_content deltas', async () => {
    const result = await chunks([
      { type: 'reasoning', text: 'Let me think.' },
      { type: 'text', text: 'Done' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } },
    ]);

    expect(result.map((chunk) => chunk.choices[0].delta)).toStrictEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'Let me think.' },
      { content: 'Done' },
      {},
    ]);
  });

  it('streams a tool call: id, type and name first with empty arguments, then its arguments, then tool_calls', async () => {
    const result = await chunks([
      { type: 'toolCall', index: 0, id: 'tooluse_A', name: 'get_weather', arguments: '{"city":"Paris"}', input: { city: 'Paris' } },
      { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 1, outputTokens: 1 } },
    ]);

    expect(result.map((chunk) => chunk.choices[0])).toStrictEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, id: 'tooluse_A', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
        logprobs: null,
        finish_reason: null,
      },
      { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
  });

  it('keeps the index of each of several tool calls', async () => {
    const result = await chunks([
      { type: 'toolCall', index: 0, id: 'tooluse_A', name: 'a', arguments: '{}', input: {} },
      { type: 'toolCall', index: 1, id: 'tooluse_B', name: 'b', arguments: '{}', input: {} },
    ]);

    expect(result.slice(1).map((chunk) => chunk.choices[0].delta.tool_calls?.[0].index)).toStrictEqual([0, 0, 1, 1]);
  });

  it('ends with finish_reason length', async () => {
    const result = await chunks([{ type: 'end', finishReason: 'length', usage: { inputTokens: 1, outputTokens: 1 } }]);

    expect(result[result.length - 1].choices[0]).toStrictEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'length' });
  });

  it.each([
    ['content_filter', 'content_filter'],
    ['context_window', 'length'],
    ['pause', 'stop'],
  ] as const)('ends an answer that finished as %s with finish_reason %s', async (finishReason, chatReason) => {
    const result = await chunks([{ type: 'end', finishReason, usage: { inputTokens: 1, outputTokens: 1 } }]);

    expect(result[result.length - 1].choices[0]).toStrictEqual({ index: 0, delta: {}, logprobs: null, finish_reason: chatReason });
  });

  it('sends no usage field at all without include_usage', async () => {
    const result = await chunks([
      { type: 'text', text: 'Hi' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2 } },
    ]);

    expect(result.filter((chunk) => 'usage' in chunk)).toStrictEqual([]);
  });

  it('with include_usage sends usage: null on every chunk and a last usage chunk with empty choices', async () => {
    const result = await chunks(
      [
        { type: 'text', text: 'Hi' },
        { type: 'end', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2, credits: 0.25 } },
      ],
      { ...META, includeUsage: true },
    );

    expect(result).toStrictEqual([
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-sonnet-4.5',
        system_fingerprint: null,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
        usage: null,
      },
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-sonnet-4.5',
        system_fingerprint: null,
        choices: [{ index: 0, delta: { content: 'Hi' }, logprobs: null, finish_reason: null }],
        usage: null,
      },
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-sonnet-4.5',
        system_fingerprint: null,
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
        usage: null,
      },
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-sonnet-4.5',
        system_fingerprint: null,
        choices: [],
        usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, credits_used: 0.25 },
      },
    ]);
  });

  it('passes an error through after the chunks already sent', async () => {
    const failed$ = throwError(() => Object.assign(new Error('throttled'), { status: 429 }));

    const result = await lastValueFrom(
      failed$.pipe(
        render(new ChatCompletionRenderer(META)),
        catchError((err: { status: number }) => of({ failed: err.status })),
        toArray(),
      ),
    );

    expect(result).toStrictEqual([
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'claude-sonnet-4.5',
        system_fingerprint: null,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      },
      { failed: 429 },
    ]);
  });
});

describe(toOpenAIUsage.name, () => {
  it('maps input and output tokens and totals them', () => {
    expect(toOpenAIUsage({ inputTokens: 100, outputTokens: 25 })).toStrictEqual({ prompt_tokens: 100, completion_tokens: 25, total_tokens: 125 });
  });

  it('adds credits_used when credits are known', () => {
    expect(toOpenAIUsage({ inputTokens: 1, outputTokens: 2, credits: 0.5 })).toStrictEqual({
      prompt_tokens: 1,
      completion_tokens: 2,
      total_tokens: 3,
      credits_used: 0.5,
    });
  });
});

describe(`${ChatCompletionRenderer.name} (non-stream result)`, () => {
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
      { type: 'toolCall', index: 0, id: 'tooluse_A', name: 'get_weather', arguments: '{"city":"Paris"}', input: { city: 'Paris' } },
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
      { type: 'toolCall', index: 0, id: 'tooluse_A', name: 'a', arguments: '{"x":1}', input: { x: 1 } },
      { type: 'toolCall', index: 1, id: 'tooluse_B', name: 'b', arguments: '{"y":2}', input: { y: 2 } },
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
