import { from, lastValueFrom, of, Subject, throwError, toArray, catchError } from 'rxjs';
import type { AssistantEvent } from '../response/assistant-events';
import { toChatCompletionChunks, toOpenAIUsage } from './chat-completion-chunks';
import type { ChatCompletionChunk, CompletionMeta } from './chat-completion.types';

const META: CompletionMeta = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'claude-sonnet-4.5', includeUsage: false };

function chunks(events: AssistantEvent[], meta: CompletionMeta = META): Promise<ChatCompletionChunk[]> {
  return lastValueFrom(from(events).pipe(toChatCompletionChunks(meta), toArray()));
}

describe(toChatCompletionChunks.name, () => {
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

    events$.pipe(toChatCompletionChunks(META)).subscribe((chunk) => seen.push(chunk));

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

  it('streams a tool call: id, type and name first with empty arguments, then argument fragments, then tool_calls', async () => {
    const result = await chunks([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'get_weather' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"city":' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"city":"Paris"}' },
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
      { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, logprobs: null, finish_reason: null },
      { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
  });

  it('keeps the index of each of several tool calls', async () => {
    const result = await chunks([
      { type: 'toolCallStart', index: 0, id: 'tooluse_A', name: 'a' },
      { type: 'toolCallStart', index: 1, id: 'tooluse_B', name: 'b' },
      { type: 'toolCallDelta', index: 1, argumentsDelta: '{}' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{}' },
    ]);

    expect(result.slice(1).map((chunk) => chunk.choices[0].delta.tool_calls?.[0].index)).toStrictEqual([0, 1, 1, 0]);
  });

  it('ends with finish_reason length', async () => {
    const result = await chunks([{ type: 'end', finishReason: 'length', usage: { inputTokens: 1, outputTokens: 1 } }]);

    expect(result[result.length - 1].choices[0]).toStrictEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'length' });
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
        toChatCompletionChunks(META),
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
