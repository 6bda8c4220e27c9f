import { concat, from, lastValueFrom, tap, throwError, toArray } from 'rxjs';
import type { AssistantEvent } from '../assistant/assistant-events';
import { ContextTooLongError, UpstreamError, UpstreamThrottledError } from '../../common/errors';
import { render } from '../assistant/render';
import { AnthropicMessageRenderer, type AnthropicStreamItem, toAnthropicUsage } from './anthropic-message-renderer';
import type { AnthropicMessage, AnthropicMessageMeta, AnthropicStreamEvent } from './anthropic-messages.types';

/** The renderer as a stream operator (what the pipeline runs). */
const toAnthropicStreamEvents = (meta: AnthropicMessageMeta) => render<AnthropicStreamItem>(new AnthropicMessageRenderer(meta));

/** The non-stream reply the same renderer gives for these events. */
function aggregateAnthropicMessage(meta: AnthropicMessageMeta, events: AssistantEvent[]): AnthropicMessage {
  const renderer = new AnthropicMessageRenderer(meta);
  for (const event of events) renderer.process(event);
  return renderer.result();
}

const META: AnthropicMessageMeta = { id: 'msg_01', model: 'claude-sonnet-4-5', inputTokensEstimate: () => 42 };

const MESSAGE_START: AnthropicStreamEvent[] = [
  {
    type: 'message_start',
    message: {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 42, output_tokens: 0 },
    },
  },
  { type: 'ping' },
];

/** Renders events in the order the shared core delivers them (each tool call whole). */
function renderAll(events: AssistantEvent[]): AnthropicStreamItem[] {
  const renderer = new AnthropicMessageRenderer(META);
  return [...renderer.start(), ...events.flatMap((event) => renderer.process(event))];
}

/** Two calls as the core delivers them (Kiro may have interleaved them upstream). */
const TWO_CALLS: AssistantEvent[] = [
  { type: 'toolCall', index: 0, id: 'toolu_A', name: 'read_file', arguments: '{"path":"a.ts"}', input: { path: 'a.ts' } },
  { type: 'toolCall', index: 1, id: 'toolu_B', name: 'grep', arguments: '{"pattern":"TODO"}', input: { pattern: 'TODO' } },
  { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 50, outputTokens: 30 } },
];

describe(AnthropicMessageRenderer.name, () => {
  it('opens with message_start carrying the input estimate, then a ping', () => {
    const renderer = new AnthropicMessageRenderer({ id: 'msg_02', model: 'claude-opus-4-1', inputTokensEstimate: () => 1234 });

    expect(renderer.start()).toStrictEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_02',
          type: 'message',
          role: 'assistant',
          model: 'claude-opus-4-1',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 1234, output_tokens: 0 },
        },
      },
      { type: 'ping' },
    ]);
  });

  it('renders a text-only answer as one text block', () => {
    const events = renderAll([
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ', world' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 40, outputTokens: 3 } },
    ]);

    expect(events).toStrictEqual([
      ...MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ', world' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 40, output_tokens: 3 } },
      { type: 'message_stop' },
    ]);
  });

  it('renders thinking then text as a thinking block followed by a text block', () => {
    const events = renderAll([
      { type: 'reasoning', text: 'The user greets me.' },
      { type: 'reasoning', text: ' Reply politely.' },
      { type: 'text', text: 'Hi!' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 40, outputTokens: 12 } },
    ]);

    expect(events).toStrictEqual([
      ...MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'The user greets me.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: ' Reply politely.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi!' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 40, output_tokens: 12 } },
      { type: 'message_stop' },
    ]);
  });

  it('closes a native thinking block with its signature_delta, as Anthropic streams it', () => {
    const events = renderAll([
      { type: 'reasoning', text: 'Plan.' },
      { type: 'reasoningSignature', signature: 'sig-abc' },
      { type: 'text', text: 'Hi!' },
    ]);

    expect(events.slice(MESSAGE_START.length, 5)).toStrictEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Plan.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-abc' } },
    ]);
    expect(events[5]).toStrictEqual({ type: 'content_block_stop', index: 0 });
    expect(events[6]).toStrictEqual({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } });
  });

  it('gives a signature without text (display "omitted") a thinking block of its own', () => {
    const events = renderAll([{ type: 'reasoningSignature', signature: 'sig-abc' }]);

    expect(events.slice(MESSAGE_START.length)).toStrictEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-abc' } },
      { type: 'content_block_stop', index: 0 },
    ]);
  });

  it('renders redacted reasoning as a redacted_thinking block', () => {
    const events = renderAll([{ type: 'reasoning', text: 'Plan.' }, { type: 'redactedReasoning', data: 'b3BhcXVl' }]);

    expect(events.slice(-3)).toStrictEqual([
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'b3BhcXVl' } },
      { type: 'content_block_stop', index: 1 },
    ]);
  });

  it('returns signed and redacted thinking in the non-stream message', () => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'reasoning', text: 'Plan.' },
      { type: 'reasoningSignature', signature: 'sig-abc' },
      { type: 'redactedReasoning', data: 'b3BhcXVl' },
      { type: 'text', text: 'Hi!' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 2 } },
    ]);

    expect(message.content).toStrictEqual([
      { type: 'thinking', thinking: 'Plan.', signature: 'sig-abc' },
      { type: 'redacted_thinking', data: 'b3BhcXVl' },
      { type: 'text', text: 'Hi!' },
    ]);
  });

  it('keeps the thinking block but leaves its text out for display: "omitted"', () => {
    const renderer = new AnthropicMessageRenderer({ ...META, omitThinkingText: true });

    const events = [
      { type: 'reasoning', text: 'Private reasoning.' },
      { type: 'text', text: 'Hi!' },
    ].flatMap((event) => renderer.process(event as AssistantEvent));

    expect(events).toStrictEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi!' } },
    ]);
  });

  it('renders text then a tool call with its arguments', () => {
    const events = renderAll([
      { type: 'text', text: 'Checking.' },
      { type: 'toolCall', index: 0, id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}', input: { city: 'Paris' } },
      { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 60, outputTokens: 20 } },
    ]);

    expect(events).toStrictEqual([
      ...MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 60, output_tokens: 20 } },
      { type: 'message_stop' },
    ]);
  });

  it('renders two sequential tool calls as two consecutive blocks', () => {
    const events = renderAll([
      { type: 'toolCall', index: 0, id: 'toolu_A', name: 'read_file', arguments: '{"path":"a.ts"}', input: { path: 'a.ts' } },
      { type: 'toolCall', index: 1, id: 'toolu_B', name: 'read_file', arguments: '{"path":"b.ts"}', input: { path: 'b.ts' } },
      { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 50, outputTokens: 30 } },
    ]);

    expect(events).toStrictEqual([
      ...MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_A', name: 'read_file', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"path":"a.ts"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_B', name: 'read_file', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"path":"b.ts"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 50, output_tokens: 30 } },
      { type: 'message_stop' },
    ]);
  });

  it('renders two tool calls as two sequential blocks', () => {
    const events = renderAll(TWO_CALLS);

    expect(events).toStrictEqual([
      ...MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_A', name: 'read_file', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"path":"a.ts"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_B', name: 'grep', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"pattern":"TODO"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 50, output_tokens: 30 } },
      { type: 'message_stop' },
    ]);
  });

  it('never has two blocks open at once for two tool calls', () => {
    const open = new Set<number>();
    let mostOpen = 0;

    for (const event of renderAll(TWO_CALLS)) {
      if (event.type === 'content_block_start') open.add(event.index);
      if (event.type === 'content_block_stop') open.delete(event.index);
      mostOpen = Math.max(mostOpen, open.size);
    }

    expect(mostOpen).toBe(1);
  });

  it("joins each tool's input_json_delta pieces to that tool's JSON", () => {
    const events = renderAll(TWO_CALLS);
    const idByIndex = new Map<number, string>();
    const jsonById: Record<string, string> = {};

    for (const event of events) {
      if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') idByIndex.set(event.index, event.content_block.id);
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        const id = idByIndex.get(event.index)!;
        jsonById[id] = (jsonById[id] ?? '') + event.delta.partial_json;
      }
    }

    expect(jsonById).toStrictEqual({ toolu_A: '{"path":"a.ts"}', toolu_B: '{"pattern":"TODO"}' });
  });

  it.each([
    ['stop', 'end_turn'],
    ['tool_calls', 'tool_use'],
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
    ['context_window', 'model_context_window_exceeded'],
    ['pause', 'pause_turn'],
  ] as const)('maps finish reason %s to stop_reason %s in message_delta, with usage', (finishReason, stopReason) => {
    const renderer = new AnthropicMessageRenderer(META);
    renderer.start();

    const events = renderer.process({ type: 'end', finishReason, usage: { inputTokens: 100, outputTokens: 7, credits: 0.2 } });

    expect(events).toStrictEqual([
      { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { input_tokens: 100, output_tokens: 7, credits_used: 0.2 } },
      { type: 'message_stop' },
    ]);
  });

  it('closes the open text block before message_delta when the output hits the length limit', () => {
    const events = renderAll([
      { type: 'text', text: 'A very long ans' },
      { type: 'end', finishReason: 'length', usage: { inputTokens: 40, outputTokens: 4096 } },
    ]);

    expect(events.slice(MESSAGE_START.length)).toStrictEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'A very long ans' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { input_tokens: 40, output_tokens: 4096 } },
      { type: 'message_stop' },
    ]);
  });
});

describe(`${AnthropicMessageRenderer.name} run by render()`, () => {
  it('renders an observable of assistant events, message_start first', async () => {
    const events: AssistantEvent[] = [
      { type: 'text', text: 'Hi' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 42, outputTokens: 1 } },
    ];

    const out = await lastValueFrom(from(events).pipe(toAnthropicStreamEvents(META), toArray()));

    expect(out).toStrictEqual([
      ...MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 42, output_tokens: 1 } },
      { type: 'message_stop' },
    ]);
  });

  it('reads the input estimate when subscribed, not when built', async () => {
    let estimate = 1;
    const operator = toAnthropicStreamEvents({ id: 'msg_01', model: 'claude-sonnet-4-5', inputTokensEstimate: () => estimate });
    estimate = 77;

    const out = await lastValueFrom(from([] as AssistantEvent[]).pipe(operator, toArray()));

    expect(out[0]).toStrictEqual({
      type: 'message_start',
      message: {
        id: 'msg_01',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 77, output_tokens: 0 },
      },
    });
  });

  it('passes an upstream error through after the events already emitted', async () => {
    const failure = new Error('Kiro connection reset');
    const seen: AnthropicStreamItem[] = [];
    const upstream = concat(from([{ type: 'text', text: 'Partial' }] as AssistantEvent[]), throwError(() => failure));

    const result = lastValueFrom(upstream.pipe(toAnthropicStreamEvents(META), tap((event) => seen.push(event)), toArray()));

    await expect(result).rejects.toBe(failure);
    expect(seen).toStrictEqual([
      ...MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Partial' } },
    ]);
  });
});

describe(`${AnthropicMessageRenderer.name} (non-stream result)`, () => {
  it('builds a message with thinking, then text, then tool_use blocks', () => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'reasoning', text: 'Need the weather.' },
      { type: 'text', text: 'Let me check.' },
      { type: 'toolCall', index: 0, id: 'toolu_A', name: 'get_weather', arguments: '{"city":"Paris"}', input: { city: 'Paris' } },
      { type: 'toolCall', index: 1, id: 'toolu_B', name: 'get_time', arguments: '{"tz":"CET"}', input: { tz: 'CET' } },
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

  it('takes each tool input from its whole call', () => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'toolCall', index: 0, id: 'toolu_A', name: 'read_file', arguments: '{"path":"a.ts"}', input: { path: 'a.ts' } },
      { type: 'toolCall', index: 1, id: 'toolu_B', name: 'grep', arguments: '{"pattern":"TODO","limit":3}', input: { pattern: 'TODO', limit: 3 } },
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
    ['content_filter', 'refusal'],
    ['context_window', 'model_context_window_exceeded'],
    ['pause', 'pause_turn'],
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

    expect(message.usage).toStrictEqual({ input_tokens: 1500, output_tokens: 321, credits_used: 0.4 });
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

  it.each([
    ['a cut connection', new UpstreamError('The connection to Kiro was cut mid-stream', { retryable: false })],
    ['throttling', new UpstreamThrottledError('Kiro is throttling requests: ThrottlingException')],
  ])('ends a stream that %s broke with overloaded_error, which Claude Code retries', (_what, failure) => {
    const [event] = new AnthropicMessageRenderer(META).fail(failure);

    expect(event).toStrictEqual({ type: 'error', error: { type: 'overloaded_error', message: failure.message } });
  });

  it('keeps the type of a failure a retry cannot fix', () => {
    const [event] = new AnthropicMessageRenderer(META).fail(new ContextTooLongError('Input is too long.'));

    expect(event).toStrictEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: Input is too long.' } });
  });
});

describe(toAnthropicUsage.name, () => {
  it('counts cached input apart from input_tokens, as Anthropic does', () => {
    expect(toAnthropicUsage({ inputTokens: 1000, outputTokens: 5, cacheReadInputTokens: 900, cacheWriteInputTokens: 90 })).toStrictEqual({
      input_tokens: 10,
      output_tokens: 5,
      cache_read_input_tokens: 900,
      cache_creation_input_tokens: 90,
    });
  });

  it('has no cache fields when Kiro reported none', () => {
    expect(toAnthropicUsage({ inputTokens: 40, outputTokens: 2 })).toStrictEqual({ input_tokens: 40, output_tokens: 2 });
  });
});

describe(`${AnthropicMessageRenderer.name} (web search)`, () => {
  const SEARCH: AssistantEvent[] = [
    { type: 'text', text: 'Looking. ' },
    { type: 'webSearch', id: 'tooluse_abc', query: 'kiro' },
    { type: 'webSearchResult', id: 'tooluse_abc', query: 'kiro', hits: [{ title: 'Kiro', url: 'https://kiro.dev/', snippet: 'An IDE', publishedAt: Date.UTC(2026, 10, 1) }] },
    { type: 'text', text: 'Found it.' },
    { type: 'end', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 4, webSearchRequests: 1 } },
  ];
  const USE = { type: 'server_tool_use', id: 'srvtoolu_abc', name: 'web_search', input: { query: 'kiro' } } as const;
  const RESULT = {
    type: 'web_search_tool_result',
    tool_use_id: 'srvtoolu_abc',
    content: [{ type: 'web_search_result', title: 'Kiro', url: 'https://kiro.dev/', encrypted_content: `kgw1.${Buffer.from('An IDE').toString('base64url')}`, page_age: 'November 1, 2026' }],
  } as const;

  it('streams the search as a server_tool_use block (its input as one delta) and the hits as a web_search_tool_result block', () => {
    expect(renderAll(SEARCH).slice(2)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Looking. ' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { ...USE, input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"query":"kiro"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: RESULT },
      { type: 'content_block_stop', index: 2 },
      { type: 'content_block_start', index: 3, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'Found it.' } },
      { type: 'content_block_stop', index: 3 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 10, output_tokens: 4, server_tool_use: { web_search_requests: 1 } } },
      { type: 'message_stop' },
    ]);
  });

  it('gives the same blocks in the whole message', () => {
    expect(aggregateAnthropicMessage(META, SEARCH).content).toEqual([{ type: 'text', text: 'Looking. ' }, USE, RESULT, { type: 'text', text: 'Found it.' }]);
  });

  it('renders a search not run as a web_search_tool_result_error', () => {
    const message = aggregateAnthropicMessage(META, [
      { type: 'webSearch', id: 'tooluse_x', query: 'q' },
      { type: 'webSearchResult', id: 'tooluse_x', query: 'q', hits: [], refusal: 'max_uses_exceeded' },
    ]);
    expect(message.content[1]).toEqual({ type: 'web_search_tool_result', tool_use_id: 'srvtoolu_x', content: { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' } });
  });

  it('reports no server_tool_use usage on a request without a search tool', () => {
    expect(toAnthropicUsage({ inputTokens: 1, outputTokens: 1 })).toEqual({ input_tokens: 1, output_tokens: 1 });
  });
});
