import { catchError, from, lastValueFrom, of, Subject, throwError, toArray } from 'rxjs';
import { countTokens } from '../token-counter';
import type { KiroEvent } from '../../kiro';
import { ToolNameMap } from '../kiro/tool-names';
import type { AssistantEvent } from './assistant-events';
import type { AssistantContext } from './assistant-event-assembler';
import { toAssistantEvents } from './to-assistant-events';

function context(parts: Partial<AssistantContext> = {}): AssistantContext {
  return { toolNames: new ToolNameMap(), thinkingHandling: undefined, promptTokens: () => 1234, ...parts };
}

/** The events before a failure, then a marker with the error's status. */
type Outcome = AssistantEvent | { failed: number };
const recordFailure = catchError((err: { status: number }) => of<Outcome>({ failed: err.status }));

describe(toAssistantEvents.name, () => {
  it('maps Kiro events to assistant events and appends the end event on completion', async () => {
    const kiro$ = from<KiroEvent[]>([
      { kind: 'text', text: 'Hello' },
      { kind: 'ignored', eventType: 'followupPromptEvent' },
      { kind: 'contextUsage', percentage: 1 },
      { kind: 'metering', credits: 0.5 },
    ]);

    const events = await lastValueFrom(kiro$.pipe(toAssistantEvents(context()), toArray()));

    expect(events).toStrictEqual([
      { type: 'text', text: 'Hello' },
      { type: 'end', finishReason: 'stop', usage: { inputTokens: 1234, outputTokens: 1, credits: 0.5 } },
    ]);
  });

  it('emits only the end event for an empty stream', async () => {
    const events = await lastValueFrom(from<KiroEvent[]>([]).pipe(toAssistantEvents(context({ promptTokens: () => 9 })), toArray()));

    expect(events).toStrictEqual([{ type: 'end', finishReason: 'stop', usage: { inputTokens: 9, outputTokens: 0 } }]);
  });

  it('keeps identical consecutive text deltas (merged, never dropped)', async () => {
    const kiro$ = from<KiroEvent[]>([
      { kind: 'text', text: 'ha' },
      { kind: 'text', text: 'ha' },
    ]);

    const events = await lastValueFrom(kiro$.pipe(toAssistantEvents(context()), toArray()));

    expect(events[0]).toStrictEqual({ type: 'text', text: 'haha' });
  });

  it('ends with tool_calls after a tool call', async () => {
    const kiro$ = from<KiroEvent[]>([
      { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'get_weather', stop: false },
      { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'get_weather', input: '{"city":"Paris"}', stop: false },
      { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'get_weather', stop: true },
    ]);

    const events = await lastValueFrom(kiro$.pipe(toAssistantEvents(context()), toArray()));

    expect(events).toStrictEqual([
      { type: 'toolCall', index: 0, id: 'tooluse_A', name: 'get_weather', arguments: '{"city":"Paris"}', input: { city: 'Paris' } },
      { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 1234, outputTokens: countTokens('{"city":"Paris"}') } },
    ]);
  });

  it('ends with length after a ContentLengthExceededException', async () => {
    const kiro$ = from<KiroEvent[]>([
      { kind: 'text', text: 'Hello' },
      { kind: 'exception', exceptionType: 'ContentLengthExceededException', message: 'Output too long' },
    ]);

    const events = await lastValueFrom(kiro$.pipe(toAssistantEvents(context()), toArray()));

    expect(events).toStrictEqual([
      { type: 'text', text: 'Hello' },
      { type: 'end', finishReason: 'length', usage: { inputTokens: 1234, outputTokens: 1 } },
    ]);
  });

  it('errors the stream with the mapped status on another exception, after what was already emitted', async () => {
    const kiro$ = from<KiroEvent[]>([
      { kind: 'text', text: 'Hello' },
      { kind: 'exception', exceptionType: 'ThrottlingException', message: 'Too many requests' },
      { kind: 'text', text: 'never' },
    ]);

    const outcome = await lastValueFrom(kiro$.pipe(toAssistantEvents(context()), recordFailure, toArray()));

    expect(outcome).toStrictEqual([{ type: 'text', text: 'Hello' }, { failed: 429 }]);
  });

  it('ends the stream as length, without the call, when a tool call is cut inside a string at the end', async () => {
    const kiro$ = from<KiroEvent[]>([
      { kind: 'text', text: 'Writing it.' },
      { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'Write', input: '{"content":"abc', stop: false },
    ]);

    const outcome = await lastValueFrom(kiro$.pipe(toAssistantEvents(context()), recordFailure, toArray()));

    expect(outcome).toStrictEqual([
      { type: 'text', text: 'Writing it.' },
      { type: 'end', finishReason: 'length', cutToolCalls: ['Write'], usage: expect.any(Object) },
    ]);
  });

  it('passes an upstream error through unchanged and emits no end event', async () => {
    const upstream = Object.assign(new Error('socket hang up'), { status: 504 });

    const outcome = await lastValueFrom(throwError(() => upstream).pipe(toAssistantEvents(context()), recordFailure, toArray()));

    expect(outcome).toStrictEqual([{ failed: 504 }]);
  });

  it('emits deltas at the end of the tick they arrived in, not at the end of the stream', async () => {
    const kiro$ = new Subject<KiroEvent>();
    const seen: AssistantEvent[] = [];
    kiro$.pipe(toAssistantEvents(context())).subscribe((event) => seen.push(event));

    kiro$.next({ kind: 'text', text: 'Hel' });
    kiro$.next({ kind: 'text', text: 'lo' });
    await Promise.resolve();
    kiro$.next({ kind: 'text', text: '!' });
    await Promise.resolve();

    expect(seen).toStrictEqual([
      { type: 'text', text: 'Hello' },
      { type: 'text', text: '!' },
    ]);
  });

  it('delivers interleaved Kiro tool calls one after the other', async () => {
    const kiro$ = from<KiroEvent[]>([
      { kind: 'toolUse', toolUseId: 'a', name: 'get_weather', stop: false },
      { kind: 'toolUse', toolUseId: 'b', name: 'get_weather', stop: false },
      { kind: 'toolUse', toolUseId: 'a', name: 'get_weather', input: '{"city":"A"}', stop: false },
      { kind: 'toolUse', toolUseId: 'b', name: 'get_weather', input: '{"city":"B"}', stop: false },
      { kind: 'toolUse', toolUseId: 'a', name: 'get_weather', stop: true },
      { kind: 'toolUse', toolUseId: 'b', name: 'get_weather', stop: true },
    ]);

    const events = await lastValueFrom(kiro$.pipe(toAssistantEvents(context()), toArray()));

    expect(events.filter((e) => e.type !== 'end').map((e) => `${e.type}:${'index' in e ? e.index : ''}`)).toStrictEqual(['toolCall:0', 'toolCall:1']);
  });

  it('joins the argument fragments of one tool call but keeps different calls apart', async () => {
    const kiro$ = from<KiroEvent[]>([
      { kind: 'toolUse', toolUseId: 'a', name: 'get_weather', input: '{"ci', stop: false },
      { kind: 'toolUse', toolUseId: 'a', name: 'get_weather', input: 'ty":"P"}', stop: true },
      { kind: 'toolUse', toolUseId: 'b', name: 'get_weather', input: '{}', stop: true },
    ]);

    const events = await lastValueFrom(kiro$.pipe(toAssistantEvents(context()), toArray()));

    expect(events.flatMap((e) => (e.type === 'toolCall' ? [{ index: e.index, arguments: e.arguments }] : []))).toStrictEqual([
      { index: 0, arguments: '{"city":"P"}' },
      { index: 1, arguments: '{}' },
    ]);
  });

  it('stops listening to the Kiro events when unsubscribed', () => {
    const kiro$ = new Subject<KiroEvent>();
    const subscription = kiro$.pipe(toAssistantEvents(context())).subscribe();

    subscription.unsubscribe();

    expect(kiro$.observed).toBe(false);
  });
});
