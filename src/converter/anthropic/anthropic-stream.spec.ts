import { concat, from, lastValueFrom, tap, throwError, toArray } from 'rxjs';
import type { AssistantEvent } from '../response/assistant-events';
import type { AnthropicMessageMeta, AnthropicStreamEvent } from './anthropic-messages.types';
import { AnthropicStreamRenderer, toAnthropicStreamEvents } from './anthropic-stream';

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
function render(events: AssistantEvent[]): AnthropicStreamEvent[] {
  const renderer = new AnthropicStreamRenderer(META);
  return [...renderer.start(), ...events.flatMap((event) => renderer.process(event))];
}

/** Two calls as the core delivers them (Kiro may have interleaved them upstream). */
const TWO_CALLS: AssistantEvent[] = [
  { type: 'toolCallStart', index: 0, id: 'toolu_A', name: 'read_file' },
  { type: 'toolCallDelta', index: 0, argumentsDelta: '{"path":' },
  { type: 'toolCallDelta', index: 0, argumentsDelta: '"a.ts"}' },
  { type: 'toolCallEnd', index: 0, arguments: '{"path":"a.ts"}' },
  { type: 'toolCallStart', index: 1, id: 'toolu_B', name: 'grep' },
  { type: 'toolCallDelta', index: 1, argumentsDelta: '{"pattern":' },
  { type: 'toolCallDelta', index: 1, argumentsDelta: '"TODO"}' },
  { type: 'toolCallEnd', index: 1, arguments: '{"pattern":"TODO"}' },
  { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 50, outputTokens: 30 } },
];

describe(AnthropicStreamRenderer.name, () => {
  it('opens with message_start carrying the input estimate, then a ping', () => {
    const renderer = new AnthropicStreamRenderer({ id: 'msg_02', model: 'claude-opus-4-1', inputTokensEstimate: () => 1234 });

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
    const events = render([
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
    const events = render([
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

  it('keeps the thinking block but leaves its text out for display: "omitted"', () => {
    const renderer = new AnthropicStreamRenderer({ ...META, omitThinkingText: true });

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

  it('renders text then a tool call with its argument deltas', () => {
    const events = render([
      { type: 'text', text: 'Checking.' },
      { type: 'toolCallStart', index: 0, id: 'toolu_01', name: 'get_weather' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"city":' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"city":"Paris"}' },
      { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 60, outputTokens: 20 } },
    ]);

    expect(events).toStrictEqual([
      ...MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 60, output_tokens: 20 } },
      { type: 'message_stop' },
    ]);
  });

  it('renders two sequential tool calls as two consecutive blocks', () => {
    const events = render([
      { type: 'toolCallStart', index: 0, id: 'toolu_A', name: 'read_file' },
      { type: 'toolCallDelta', index: 0, argumentsDelta: '{"path":"a.ts"}' },
      { type: 'toolCallEnd', index: 0, arguments: '{"path":"a.ts"}' },
      { type: 'toolCallStart', index: 1, id: 'toolu_B', name: 'read_file' },
      { type: 'toolCallDelta', index: 1, argumentsDelta: '{"path":"b.ts"}' },
      { type: 'toolCallEnd', index: 1, arguments: '{"path":"b.ts"}' },
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
    const events = render(TWO_CALLS);

    expect(events).toStrictEqual([
      ...MESSAGE_START,
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_A', name: 'read_file', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"path":' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '"a.ts"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_B', name: 'grep', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"pattern":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"TODO"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 50, output_tokens: 30 } },
      { type: 'message_stop' },
    ]);
  });

  it('never has two blocks open at once for two tool calls', () => {
    const open = new Set<number>();
    let mostOpen = 0;

    for (const event of render(TWO_CALLS)) {
      if (event.type === 'content_block_start') open.add(event.index);
      if (event.type === 'content_block_stop') open.delete(event.index);
      mostOpen = Math.max(mostOpen, open.size);
    }

    expect(mostOpen).toBe(1);
  });

  it("joins each tool's input_json_delta pieces to that tool's JSON", () => {
    const events = render(TWO_CALLS);
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
  ] as const)('maps finish reason %s to stop_reason %s in message_delta, with usage', (finishReason, stopReason) => {
    const renderer = new AnthropicStreamRenderer(META);
    renderer.start();

    const events = renderer.process({ type: 'end', finishReason, usage: { inputTokens: 100, outputTokens: 7, credits: 0.2 } });

    expect(events).toStrictEqual([
      { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { input_tokens: 100, output_tokens: 7 } },
      { type: 'message_stop' },
    ]);
  });

  it('closes the open text block before message_delta when the output hits the length limit', () => {
    const events = render([
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

describe(toAnthropicStreamEvents.name, () => {
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
    const seen: AnthropicStreamEvent[] = [];
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
