import type { FakeReasoningHandling } from '../../config/env.schema';
import type { KiroEvent } from '../../kiro';
import { mapKiroStreamException } from '../../kiro';
import type { ToolNameMap } from '../kiro/tool-names';
import { countTokens } from '../token-counter';
import type { AssistantEvent, FinishReason } from './assistant-events';
import { BracketToolCallExtractor } from './bracket-tool-calls';
import { NativeReasoningRelay } from './native-reasoning-relay';
import { StopSequenceMatcher } from './stop-sequences';
import { ThinkingParser } from './thinking-parser';
import { ToolCallAssembler } from './tool-call-assembler';

interface KiroEnd {
  finishReason: FinishReason;
  /** The output stopped at a limit: a tool call still open was cut, whatever followed it. */
  outputCut: boolean;
}

/**
 * `metadataEvent.stopReason` (kiro-protocol.md §9.5) in the gateway's terms. END_TURN, TOOL_USE,
 * STOP_SEQUENCE and unknown values say no more than the answer itself does (tool calls or not).
 */
const KIRO_STOP_REASONS: ReadonlyMap<string, KiroEnd> = new Map([
  ['MAX_TOKENS', { finishReason: 'length', outputCut: true }],
  ['MODEL_CONTEXT_WINDOW_EXCEEDED', { finishReason: 'context_window', outputCut: true }],
  ['CONTENT_FILTERED', { finishReason: 'content_filter', outputCut: false }],
  ['PAUSE_TURN', { finishReason: 'pause', outputCut: false }],
]);

export interface AssistantContext {
  toolNames: ToolNameMap;
  /** How `<thinking>` blocks are surfaced; undefined leaves text untouched. */
  thinkingHandling: FakeReasoningHandling | undefined;
  /** Local count of the prompt (what count_tokens answers), used when Kiro reports no token usage. */
  promptTokens: () => number;
  /** Client stop sequences to apply to the answer text. */
  stopSequences?: readonly string[];
}

/**
 * Kiro events → assistant events, one Kiro event at a time: text (split into reasoning and
 * answer), tool calls assembled per id, usage gathered on the way, and a final `end` event.
 * Exception frames throw the mapped gateway error, except an output cut, which ends with
 * `length`.
 */
export class AssistantEventAssembler {
  private readonly thinking: ThinkingParser | undefined;
  private readonly toolCalls: ToolCallAssembler;
  private readonly nativeReasoning = new NativeReasoningRelay();
  /** Only when tools are declared: a written-out call can only name a declared tool. */
  private readonly writtenCalls: BracketToolCallExtractor | undefined;
  private writtenCallCount = 0;
  private readonly stops: StopSequenceMatcher | undefined;
  private stoppedBy: string | undefined;
  private reportedInputTokens: number | undefined;
  private reportedOutputTokens: number | undefined;
  private reportedCache: { cacheReadInputTokens?: number; cacheWriteInputTokens?: number } = {};
  private credits: number | undefined;
  private truncated = false;
  /** What Kiro's metadataEvent.stopReason said ended the answer, where it names more than a plain end. */
  private kiroEnd: KiroEnd | undefined;
  /** Everything generated, for the local output-token count. */
  private generated = '';

  constructor(private readonly context: AssistantContext) {
    this.thinking = context.thinkingHandling ? new ThinkingParser(context.thinkingHandling) : undefined;
    this.toolCalls = new ToolCallAssembler(context.toolNames);
    this.stops = context.stopSequences?.length ? new StopSequenceMatcher(context.stopSequences) : undefined;
    this.writtenCalls = context.toolNames.hasTools ? new BracketToolCallExtractor((name) => context.toolNames.isDeclared(name)) : undefined;
  }

  /** A stop sequence ended the answer: nothing more is read; finish() ends the response. */
  get stopped(): boolean {
    return this.stoppedBy !== undefined;
  }

  process(event: KiroEvent): AssistantEvent[] {
    if (this.stoppedBy !== undefined) return [];
    switch (event.kind) {
      case 'text': {
        const closed = this.nativeReasoning.close();
        const out = this.text(event.text);
        return closed.length > 0 ? [...closed, ...out] : out;
      }
      case 'reasoning':
        this.generated += event.text;
        return this.nativeReasoning.process(event);
      case 'toolUse': {
        const out = [...this.nativeReasoning.close(), ...this.flushThinking(), ...this.toolCalls.process(event)];
        if (typeof event.input === 'string') this.generated += event.input;
        return out;
      }
      case 'contextUsage':
        // Not usage: the share of the window includes Kiro's own system prompt, so it never
        // matches what message_start and count_tokens said (see inputTokens).
        this.toolCalls.markNormalEnd();
        return [];
      case 'metering':
        this.credits = (this.credits ?? 0) + event.credits;
        this.toolCalls.markNormalEnd();
        return [];
      case 'metadata': {
        const kiroEnd = event.stopReason !== undefined ? KIRO_STOP_REASONS.get(event.stopReason) : undefined;
        if (event.stopReason !== undefined && !kiroEnd?.outputCut) this.toolCalls.markNormalEnd();
        if (kiroEnd) this.kiroEnd = kiroEnd;
        if (event.usage?.inputTokens !== undefined) {
          this.reportedInputTokens =
            event.usage.inputTokens + (event.usage.cacheReadInputTokens ?? 0) + (event.usage.cacheWriteInputTokens ?? 0);
          this.reportedCache = {
            ...(event.usage.cacheReadInputTokens !== undefined ? { cacheReadInputTokens: event.usage.cacheReadInputTokens } : {}),
            ...(event.usage.cacheWriteInputTokens !== undefined ? { cacheWriteInputTokens: event.usage.cacheWriteInputTokens } : {}),
          };
        }
        if (event.usage?.outputTokens !== undefined) this.reportedOutputTokens = event.usage.outputTokens;
        if (kiroEnd?.outputCut) this.truncated = true;
        return [];
      }
      case 'exception': {
        const outcome = mapKiroStreamException(event.exceptionType, event.message);
        if (outcome.kind === 'failed') throw outcome.error;
        this.truncated = true;
        return [];
      }
      case 'ignored':
        return [];
    }
  }

  finish(): AssistantEvent[] {
    const out = [...this.nativeReasoning.close(), ...this.flushThinking(), ...this.toolCalls.flush(this.truncated)];
    // A tool call Kiro cut off is output cut short: the turn ends as `length`, without that call.
    const cut = this.toolCalls.cut;
    if (cut.length > 0) this.truncated = true;
    out.push({
      type: 'end',
      finishReason: this.finishReason(),
      ...(this.stoppedBy !== undefined ? { stopSequence: this.stoppedBy } : {}),
      ...(cut.length > 0 ? { cutToolCalls: [...cut] } : {}),
      usage: {
        inputTokens: this.inputTokens(),
        outputTokens: this.reportedOutputTokens ?? countTokens(this.generated),
        ...(this.credits !== undefined ? { credits: this.credits } : {}),
        ...(this.reportedInputTokens !== undefined ? this.reportedCache : {}),
      },
    });
    return out;
  }

  /**
   * A client stop sequence is the gateway's own cut; then what Kiro said stopped the model
   * (filter, window), an output cut, and Kiro's pause only when no tool call awaits its result
   * (the client must answer a call, or the next turn is refused).
   */
  private finishReason(): FinishReason {
    if (this.stoppedBy !== undefined) return 'stop';
    const said = this.kiroEnd?.finishReason;
    if (said === 'content_filter' || said === 'context_window') return said;
    if (this.truncated) return 'length';
    if (this.toolCalls.count > 0) return 'tool_calls';
    return said ?? 'stop';
  }

  private text(text: string): AssistantEvent[] {
    this.generated += text;
    // The common case, with nothing to parse: one event, no intermediate arrays.
    if (!this.thinking && !this.writtenCalls && !this.stops) return text ? [{ type: 'text', text }] : [];
    const pieces = this.thinking ? this.thinking.process(text) : [{ kind: 'text' as const, text }];
    return pieces.flatMap((piece) => (piece.kind === 'reasoning' ? [{ type: 'reasoning', text: piece.text }] : this.answerText(piece.text)));
  }

  /**
   * Answer text: cut at a client stop sequence, then tool calls the model wrote out as text
   * turned into real ones. `flush` (a tool call or the end) releases what either held back.
   */
  private answerText(text: string, flush = false): AssistantEvent[] {
    let visible = text;
    if (this.stops && this.stoppedBy === undefined) {
      if (flush) {
        visible = this.stops.flush();
      } else {
        const { emit, matched } = this.stops.process(text);
        visible = emit;
        if (matched !== undefined) this.stoppedBy = matched;
      }
    }
    if (!this.writtenCalls) return visible ? [{ type: 'text', text: visible }] : [];
    const pieces = [...this.writtenCalls.process(visible), ...(flush || this.stoppedBy !== undefined ? this.writtenCalls.flush() : [])];
    return pieces.flatMap((piece): AssistantEvent[] =>
      piece.kind === 'text'
        ? piece.text
          ? [{ type: 'text', text: piece.text }]
          : []
        : this.toolCalls.process({ toolUseId: `tooluse_text_${++this.writtenCallCount}`, name: piece.name, input: piece.arguments, stop: true }),
    );
  }


  /** A tool call or the end closes any reasoning or held-back text first (HK, §5 #6). */
  private flushThinking(): AssistantEvent[] {
    const pieces = this.thinking ? this.thinking.flush() : [];
    return [
      ...pieces.flatMap((piece) => (piece.kind === 'reasoning' ? [{ type: 'reasoning' as const, text: piece.text }] : this.answerText(piece.text))),
      ...this.answerText('', true),
    ];
  }

  /**
   * One input figure per request: Kiro's exact token usage (metadataEvent.tokenUsage) when it sends
   * it, otherwise the local count that message_start and count_tokens report too. Kiro's context
   * percentage is not turned into tokens: it counts Kiro's own system prompt, so the final figure
   * would contradict the one the client was given first.
   */
  private inputTokens(): number {
    return this.reportedInputTokens ?? this.context.promptTokens();
  }
}
