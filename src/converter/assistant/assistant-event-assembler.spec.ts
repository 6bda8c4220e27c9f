import { ContextTooLongError, InvalidRequestError, QuotaExceededError, UpstreamAuthError, UpstreamError, UpstreamThrottledError } from '../../common/errors';
import { countTokens } from '../token-counter';
import type { KiroEvent } from '../../kiro';
import { ToolNameMap } from '../kiro/tool-names';
import type { AssistantEvent } from './assistant-events';
import { AssistantEventAssembler, AssistantContext } from './assistant-event-assembler';

function context(parts: Partial<AssistantContext> = {}): AssistantContext {
  return { toolNames: new ToolNameMap(), thinkingHandling: undefined, promptTokens: () => 1234, ...parts };
}

/** Every assistant event for the Kiro events, `finish()` included. */
function assemble(events: KiroEvent[], ctx: AssistantContext = context()): AssistantEvent[] {
  const assembler = new AssistantEventAssembler(ctx);
  return [...events.flatMap((event) => assembler.process(event)), ...assembler.finish()];
}

function thrownBy(events: KiroEvent[]): unknown {
  const assembler = new AssistantEventAssembler(context());
  try {
    for (const event of events) assembler.process(event);
  } catch (err) {
    return err;
  }
  throw new Error('expected process() to throw');
}

describe(AssistantEventAssembler.name, () => {
  describe('text and reasoning', () => {
    it('turns text events into text deltas and ends with stop', () => {
      expect(assemble([{ kind: 'text', text: 'Hello' }, { kind: 'text', text: ' world' }])).toStrictEqual([
        { type: 'text', text: 'Hello' },
        { type: 'text', text: ' world' },
        { type: 'end', finishReason: 'stop', usage: { inputTokens: 1234, outputTokens: 2 } },
      ]);
    });

    it('keeps identical consecutive text deltas', () => {
      expect(assemble([{ kind: 'text', text: '\n\n' }, { kind: 'text', text: '\n\n' }]).slice(0, 2)).toStrictEqual([
        { type: 'text', text: '\n\n' },
        { type: 'text', text: '\n\n' },
      ]);
    });

    it('drops empty text events', () => {
      expect(assemble([{ kind: 'text', text: '' }]).slice(0, -1)).toStrictEqual([]);
    });

    it('turns native reasoning events into reasoning deltas, then the signature that closes them', () => {
      expect(assemble([{ kind: 'reasoning', text: 'Let me think.', signature: 'sig' }]).slice(0, -1)).toStrictEqual([
        { type: 'reasoning', text: 'Let me think.' },
        { type: 'reasoningSignature', signature: 'sig' },
      ]);
    });

    it('joins a signature split across events and passes it on before the answer text', () => {
      const events = assemble([
        { kind: 'reasoning', text: 'Plan.' },
        { kind: 'reasoning', text: '', signature: 'ab' },
        { kind: 'reasoning', text: '', signature: 'cd' },
        { kind: 'text', text: 'Done' },
      ]);

      expect(events.slice(0, -1)).toStrictEqual([
        { type: 'reasoning', text: 'Plan.' },
        { type: 'reasoningSignature', signature: 'abcd' },
        { type: 'text', text: 'Done' },
      ]);
    });

    it('passes the signature on before a tool call', () => {
      const events = assemble([
        { kind: 'reasoning', text: 'Call it.', signature: 'sig' },
        { kind: 'toolUse', toolUseId: 't1', name: 'get_weather', input: '{}', stop: true },
      ]);

      expect(events.slice(0, 2)).toStrictEqual([
        { type: 'reasoning', text: 'Call it.' },
        { type: 'reasoningSignature', signature: 'sig' },
      ]);
      expect(events[2].type).toBe('toolCall');
    });

    it('passes redacted reasoning on as it is', () => {
      expect(assemble([{ kind: 'reasoning', text: '', redacted: 'b3BhcXVl' }]).slice(0, -1)).toStrictEqual([{ type: 'redactedReasoning', data: 'b3BhcXVl' }]);
    });

    it('leaves thinking tags in the text when no thinking handling is configured', () => {
      expect(assemble([{ kind: 'text', text: '<thinking>plan</thinking>\n\nDone' }]).slice(0, -1)).toStrictEqual([
        { type: 'text', text: '<thinking>plan</thinking>\n\nDone' },
      ]);
    });

    it('splits a leading thinking block into reasoning with as_reasoning_content', () => {
      const ctx = context({ thinkingHandling: 'as_reasoning_content' });

      expect(assemble([{ kind: 'text', text: '<thinking>plan</thinking>\n\nDone' }], ctx).slice(0, -1)).toStrictEqual([
        { type: 'reasoning', text: 'plan' },
        { type: 'text', text: 'Done' },
      ]);
    });

    it('releases held-back reasoning at the end of the stream', () => {
      const ctx = context({ thinkingHandling: 'as_reasoning_content' });

      expect(assemble([{ kind: 'text', text: '<thinking>unfinished' }], ctx).slice(0, -1)).toStrictEqual([
        { type: 'reasoning', text: 'unfinished' },
      ]);
    });

    it('closes open reasoning before a tool call starts', () => {
      const ctx = context({ thinkingHandling: 'as_reasoning_content' });

      const events = assemble(
        [
          { kind: 'text', text: '<thinking>I should look' },
          { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'search', input: '{"q":"x"}', stop: true },
        ],
        ctx,
      );

      expect(events.slice(0, 3)).toStrictEqual([
        { type: 'reasoning', text: 'I s' },
        { type: 'reasoning', text: 'hould look' },
        { type: 'toolCall', index: 0, id: 'tooluse_A', name: 'search', arguments: '{"q":"x"}', input: { q: 'x' } },
      ]);
    });
  });

  describe('tool calls', () => {
    it('assembles a tool call, maps its name back, and ends with tool_calls', () => {
      const names = new ToolNameMap();
      names.kiroName('files.read');

      const events = assemble(
        [
          { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'files_read', stop: false },
          { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'files_read', input: '{"path":"a.txt"}', stop: false },
          { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'files_read', stop: true },
        ],
        context({ toolNames: names }),
      );

      expect(events).toStrictEqual([
        { type: 'toolCall', index: 0, id: 'tooluse_A', name: 'files.read', arguments: '{"path":"a.txt"}', input: { path: 'a.txt' } },
        { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 1234, outputTokens: countTokens('{"path":"a.txt"}') } },
      ]);
    });

    it('ends a turn whose tool call Kiro cut off as length, keeping the text and the complete calls, naming the cut one', () => {
      const events = assemble([
        { kind: 'text', text: 'Writing both files.' },
        { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'Write', input: '{"path":"a.txt"}', stop: true },
        { kind: 'toolUse', toolUseId: 'tooluse_B', name: 'Write', input: '{"path":"b.txt","content":"abc', stop: false },
      ]);

      expect(events).toStrictEqual([
        { type: 'text', text: 'Writing both files.' },
        { type: 'toolCall', index: 0, id: 'tooluse_A', name: 'Write', arguments: '{"path":"a.txt"}', input: { path: 'a.txt' } },
        { type: 'end', finishReason: 'length', cutToolCalls: ['Write'], usage: { inputTokens: 1234, outputTokens: countTokens('Writing both files.{"path":"a.txt"}{"path":"b.txt","content":"abc') } },
      ]);
    });

    it('ends as length when a call with complete-looking arguments had no stop and no normal end after it', () => {
      const events = assemble([{ kind: 'toolUse', toolUseId: 'tooluse_A', name: 'f', input: '{"a":1}', stop: false }]);

      expect(events).toStrictEqual([{ type: 'end', finishReason: 'length', cutToolCalls: ['f'], usage: { inputTokens: 1234, outputTokens: countTokens('{"a":1}') } }]);
    });

    it('passes on a zero-argument call (one event, input "", no stop) followed by a normal end, ending with tool_calls', () => {
      const events = assemble([
        { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'list_files', input: '', stop: false },
        { kind: 'contextUsage', percentage: 1 },
        { kind: 'metering', credits: 0.01 },
      ]);

      expect(events.slice(0, 1)).toStrictEqual([
        { type: 'toolCall', index: 0, id: 'tooluse_A', name: 'list_files', arguments: '{}', input: {} },
      ]);
      expect(events[1]).toMatchObject({ type: 'end', finishReason: 'tool_calls' });
      expect(events[1]).not.toHaveProperty('cutToolCalls');
    });

    it('drops an unstopped call when Kiro reports MAX_TOKENS, even after usage events', () => {
      const events = assemble([
        { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'f', input: '{"a":1}', stop: false },
        { kind: 'contextUsage', percentage: 1 },
        { kind: 'metadata', stopReason: 'MAX_TOKENS' },
      ]);

      expect(events).toStrictEqual([{ type: 'end', finishReason: 'length', cutToolCalls: ['f'], usage: { inputTokens: 1234, outputTokens: countTokens('{"a":1}') } }]);
    });
  });

  describe('finish reasons and exceptions', () => {
    it('ends with length after a ContentLengthExceededException', () => {
      const events = assemble([
        { kind: 'text', text: 'Hello' },
        { kind: 'exception', exceptionType: 'ContentLengthExceededException', message: 'Output too long' },
      ]);

      expect(events).toStrictEqual([
        { type: 'text', text: 'Hello' },
        { type: 'end', finishReason: 'length', usage: { inputTokens: 1234, outputTokens: 1 } },
      ]);
    });

    it('ends with length rather than tool_calls when output was cut after a tool call', () => {
      const events = assemble([
        { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'f', input: '{}', stop: true },
        { kind: 'exception', exceptionType: 'ContentLengthExceededException', message: 'Output too long' },
      ]);

      expect(events[events.length - 1]).toMatchObject({ type: 'end', finishReason: 'length' });
    });

    it('reports the cache figures of metadataEvent.tokenUsage, with input as their total', () => {
      const events = assemble([
        { kind: 'text', text: 'Hello' },
        { kind: 'metadata', stopReason: 'END_TURN', usage: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 900, cacheWriteInputTokens: 90 } },
      ]);

      expect(events.at(-1)).toMatchObject({ usage: { inputTokens: 1000, outputTokens: 5, cacheReadInputTokens: 900, cacheWriteInputTokens: 90 } });
    });

    it('invents no cache figures when Kiro reports no token usage', () => {
      const end = assemble([{ kind: 'text', text: 'Hello' }, { kind: 'contextUsage', percentage: 1 }]).at(-1) as unknown as { usage: Record<string, unknown> };

      expect(end.usage).not.toHaveProperty('cacheReadInputTokens');
      expect(end.usage).not.toHaveProperty('cacheWriteInputTokens');
    });

    it('ends with length when metadata reports stopReason MAX_TOKENS', () => {
      const events = assemble([{ kind: 'text', text: 'Hello' }, { kind: 'metadata', stopReason: 'MAX_TOKENS' }]);

      expect(events[events.length - 1]).toStrictEqual({ type: 'end', finishReason: 'length', usage: { inputTokens: 1234, outputTokens: 1 } });
    });

    it('ends with stop for metadata stopReason END_TURN', () => {
      const events = assemble([{ kind: 'text', text: 'Hello' }, { kind: 'metadata', stopReason: 'END_TURN' }]);

      expect(events[events.length - 1]).toMatchObject({ type: 'end', finishReason: 'stop' });
    });

    it.each([
      ['CONTENT_FILTERED', 'content_filter'],
      ['MODEL_CONTEXT_WINDOW_EXCEEDED', 'context_window'],
      ['PAUSE_TURN', 'pause'],
      ['TOOL_USE', 'stop'],
      ['STOP_SEQUENCE', 'stop'],
      ['toString', 'stop'],
      ['SOMETHING_NEW', 'stop'],
    ])('ends an answer without tool calls whose stopReason is %s as %s', (stopReason, finishReason) => {
      const events = assemble([{ kind: 'text', text: 'Hello' }, { kind: 'metadata', stopReason }]);

      expect(events.at(-1)).toMatchObject({ type: 'end', finishReason });
    });

    it('ends a tool call turn that Kiro filtered as content_filter', () => {
      const events = assemble([{ kind: 'toolUse', toolUseId: 't1', name: 'f', input: '{}', stop: true }, { kind: 'metadata', stopReason: 'CONTENT_FILTERED' }]);

      expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'content_filter' });
    });

    it('ends a paused turn with a tool call as tool_calls: the call awaits its result', () => {
      const events = assemble([{ kind: 'toolUse', toolUseId: 't1', name: 'f', input: '{}', stop: true }, { kind: 'metadata', stopReason: 'PAUSE_TURN' }]);

      expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'tool_calls' });
    });

    it('cuts an unstopped call when Kiro reports MODEL_CONTEXT_WINDOW_EXCEEDED', () => {
      const events = assemble([
        { kind: 'toolUse', toolUseId: 't1', name: 'f', input: '{"a":', stop: false },
        { kind: 'metadata', stopReason: 'MODEL_CONTEXT_WINDOW_EXCEEDED' },
        { kind: 'metering', credits: 0.01 },
      ]);

      expect(events).toStrictEqual([{ type: 'end', finishReason: 'context_window', cutToolCalls: ['f'], usage: { inputTokens: 1234, outputTokens: 3, credits: 0.01 } }]);
    });

    it('keeps a client stop sequence as the reason even when Kiro reports another', () => {
      const events = assemble([{ kind: 'text', text: 'Hello END more' }, { kind: 'metadata', stopReason: 'CONTENT_FILTERED' }], context({ stopSequences: ['END'] }));

      expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop', stopSequence: 'END' });
    });

    it.each([
      ['ThrottlingException', 'Too many requests', UpstreamThrottledError, 429],
      ['ServiceQuotaExceededException', 'Quota exceeded', QuotaExceededError, 429],
      ['AccessDeniedException', 'Denied', UpstreamAuthError, 403],
      ['ValidationException', 'Bad input', InvalidRequestError, 400],
      ['InternalServerException', 'Boom', UpstreamError, 502],
      ['com.amazon.aws.codewhisperer#ThrottlingException', 'Slow down', UpstreamThrottledError, 429],
    ])('throws on a %s exception with the mapped error', (exceptionType, message, errorClass, status) => {
      const err = thrownBy([{ kind: 'exception', exceptionType, message }]);

      expect(err).toBeInstanceOf(errorClass);
      expect(err).toMatchObject({ status });
    });

    it('throws ContextTooLongError for an exception that says the input is too long', () => {
      const err = thrownBy([{ kind: 'exception', exceptionType: 'ValidationException', message: 'Input is too long.' }]);

      expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'messages' });
      expect(err).toBeInstanceOf(ContextTooLongError);
    });

    it('names the exception type and message in the error', () => {
      const err = thrownBy([{ kind: 'exception', exceptionType: 'ThrottlingException', message: 'Too many requests' }]);

      expect((err as Error).message).toBe('Kiro is throttling requests: ThrottlingException: Too many requests');
    });
  });

  describe('usage', () => {
    it('counts input tokens locally when Kiro reports no token usage', () => {
      const events = assemble([{ kind: 'text', text: 'Hi there' }], context({ promptTokens: () => 77 }));

      expect(events[events.length - 1]).toStrictEqual({ type: 'end', finishReason: 'stop', usage: { inputTokens: 77, outputTokens: 2 } });
    });

    it("does not turn Kiro's context percentage into input tokens: the local count stands", () => {
      const events = assemble([{ kind: 'text', text: 'Hi there' }, { kind: 'contextUsage', percentage: 12.5 }], context({ promptTokens: () => 77 }));

      expect(events[events.length - 1]).toStrictEqual({ type: 'end', finishReason: 'stop', usage: { inputTokens: 77, outputTokens: 2 } });
    });

    it('keeps the local count when contextUsagePercentage is 0', () => {
      const events = assemble([{ kind: 'contextUsage', percentage: 0 }], context({ promptTokens: () => 50 }));

      expect(events[events.length - 1]).toMatchObject({ usage: { inputTokens: 50 } });
    });

    it('prefers token usage from metadata, counting cached input too', () => {
      const events = assemble([
        { kind: 'text', text: 'Hi there' },
        { kind: 'contextUsage', percentage: 12.5 },
        { kind: 'metadata', usage: { inputTokens: 100, cacheReadInputTokens: 50, cacheWriteInputTokens: 25, outputTokens: 40 } },
      ]);

      expect(events[events.length - 1]).toStrictEqual({
        type: 'end',
        finishReason: 'stop',
        usage: { inputTokens: 175, outputTokens: 40, cacheReadInputTokens: 50, cacheWriteInputTokens: 25 },
      });
    });

    it('sums the credits of every metering event', () => {
      const events = assemble([
        { kind: 'text', text: 'ok' },
        { kind: 'metering', credits: 0.25 },
        { kind: 'metering', credits: 0.5 },
      ]);

      expect(events[events.length - 1]).toStrictEqual({
        type: 'end',
        finishReason: 'stop',
        usage: { inputTokens: 1234, outputTokens: 1, credits: 0.75 },
      });
    });

    it('counts reasoning and tool input in the local output-token count', () => {
      const events = assemble([
        { kind: 'reasoning', text: 'abc' },
        { kind: 'toolUse', toolUseId: 'tooluse_A', name: 'f', input: '{"path":"a.txt"}', stop: true },
      ]);

      expect(events[events.length - 1]).toMatchObject({ usage: { outputTokens: countTokens('abc{"path":"a.txt"}') } });
    });
  });

  describe('events that produce nothing', () => {
    it.each<KiroEvent>([
      { kind: 'ignored', eventType: 'followupPromptEvent' },
      { kind: 'ignored', eventType: 'supplementaryWebLinksEvent' },
      { kind: 'contextUsage', percentage: 40 },
      { kind: 'metering', credits: 1 },
      { kind: 'metadata', stopReason: 'END_TURN' },
    ])('produces no assistant event for %p', (event) => {
      const assembler = new AssistantEventAssembler(context());

      expect(assembler.process(event)).toStrictEqual([]);
    });
  });
});
