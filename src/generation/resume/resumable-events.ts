import { Observable, type Subscription } from 'rxjs';
import type { AssistantEvent, ToolCallEvent } from '../../converter/assistant/assistant-events';
import { OverlapTrimmer } from './overlap-trimmer';
import { PartialTurn } from './partial-turn';

/** A Kiro call asked again, its events not read yet. */
export interface Reasked {
  events$: Observable<AssistantEvent>;
  /** Stops the call if its events will never be read (the client left meanwhile). */
  cancel(): void;
}

/**
 * One failure absorbed: a `retry` before anything reached the client, a `resume` after, or a
 * `tool_call` Kiro cut off mid-arguments, asked for once more in smaller pieces.
 */
export interface Recovery {
  kind: 'retry' | 'resume' | 'tool_call';
  /** Counts this kind within the response, from 1 (a `tool_call` counts as a resume). */
  attempt: number;
  /** What failed; for a `tool_call`, nothing did (the turn ended, without the cut call). */
  error: unknown;
  partial: PartialTurn;
}

/**
 * How asking again for a cut-off tool call ended: a whole call came, it was cut again, the model
 * answered without a call, or the re-ask failed.
 */
export type ToolCallRecoveryOutcome = 'recovered' | 'cut_again' | 'no_call' | 'failed';

type EndEvent = Extract<AssistantEvent, { type: 'end' }>;

/**
 * What one response may still spend on asking Kiro again. One per response, shared by each of
 * its `resumable()` streams (a web search's rounds are a stream each), so STREAM_MAX_RESUMES and
 * the one tool-call recovery count per response, not per Kiro call.
 */
export class RecoveryBudget {
  retries = 0;
  resumes = 0;
  /** A cut tool call was asked for again: never a second time in the response. */
  toolCallAsked = false;
}

export interface ResumeOptions {
  /** Failures before anything was sent that are asked again (the original conversation). */
  maxRetries: number;
  /** Failures after something was sent that are resumed from the partial turn; 0 turns resuming off. */
  maxResumes: number;
  /** The longest answer text kept for a resume (see PartialTurn). */
  maxPartialChars: number;
  /**
   * TOOL_CALL_RECOVERY: a turn Kiro ended with a tool call cut off mid-arguments is asked for
   * once more (the cut call, in smaller pieces), taking one of the `maxResumes`.
   */
  recoverCutToolCalls?: boolean;
  /** The response's budget, when it makes more than one Kiro call stream (web search rounds); else one of its own. */
  budget?: RecoveryBudget;
  /** Whether asking Kiro again can help (a cut, an exception frame, throttling), not a refusal. */
  isTransient(error: unknown): boolean;
  /**
   * Asks Kiro again: the original conversation when `partial` is empty, else its continuation;
   * once a tool call was cut off, `cutToolCalls` names the tools, and the re-ask asks for them.
   */
  reask(partial: PartialTurn, cutToolCalls?: readonly string[]): Promise<Reasked>;
  /** Told before each retry or resume (logs, metrics). */
  onRecovery?(recovery: Recovery): void;
  /** Told once how asking again for a cut-off tool call ended (logs, metrics). */
  onToolCallRecovery?(outcome: ToolCallRecoveryOutcome, error?: unknown): void;
}

/**
 * The assistant events of one response, surviving Kiro's transient failures: before anything
 * was passed on, a failed call is asked again as if it never happened; after, the call is
 * resumed from the partial turn and the continuation is spliced in (restated text dropped, tool
 * call indices going on, tool calls already passed on not passed twice). Both bounded; once the
 * budget is spent, or for a failure asking again cannot fix, the failure goes on as the error.
 *
 * A turn that ends with a tool call Kiro cut off at the output limit (`end.cutToolCalls`,
 * `length`; at the context window's end a longer prompt cannot fit) is not a failure, but
 * nothing of the cut call reached the client (tool calls pass on whole only), so it can be asked
 * for again: the `end` is held back, Kiro is asked once for the call in smaller pieces, and that
 * answer is spliced in like a continuation. If the re-ask brings nothing, the held `end` goes on
 * and the turn ends as it would have (cut, as `length`); so it does when the re-ask fails after
 * passing something on and cannot be resumed. Only the `end` waits: on every other
 * turn nothing is held back longer than without recovery.
 */
export function resumable(first$: Observable<AssistantEvent>, options: ResumeOptions): Observable<AssistantEvent> {
  return new Observable<AssistantEvent>((subscriber) => {
    const partial = new PartialTurn(options.maxPartialChars);
    let current: Subscription | undefined;
    const budget = options.budget ?? new RecoveryBudget();
    let closed = false;
    /** Set once a cut tool call was asked for again: every later re-ask asks for it too; never twice. */
    let cutToolCalls: readonly string[] | undefined;
    /** The cut turn's end, while the re-ask for its tool call has passed nothing on yet. */
    let heldEnd: EndEvent | undefined;
    /** The cut turn's end, until the re-ask's own end passed: how the turn ends if the re-ask fails for good. */
    let cutEnd: EndEvent | undefined;
    /** What the cut turn cost: the response's end reports it with the re-ask's (both were billed). */
    let cutTurnCredits: number | undefined;
    let outcomePending = false;
    /** The whole calls passed on before the cut one: a recovery that adds none brought no call. */
    let callsBeforeRecovery = 0;

    const settleOutcome = (outcome: ToolCallRecoveryOutcome, error?: unknown) => {
      if (!outcomePending) return;
      outcomePending = false;
      cutEnd = undefined;
      options.onToolCallRecovery?.(outcome, error);
    };
    // Only a cut at the output limit: at the context window's end, a longer prompt cannot fit.
    const canRecoverToolCall = (end: EndEvent) =>
      options.recoverCutToolCalls === true &&
      end.finishReason === 'length' &&
      (end.cutToolCalls?.length ?? 0) > 0 &&
      !budget.toolCallAsked &&
      partial.resumable &&
      budget.resumes < options.maxResumes;

    const attach = (events$: Observable<AssistantEvent>, splice: Continuation | undefined) => {
      // Set when this call's turn ended with a cut tool call that is being asked for again.
      let superseded = false;
      current = events$.subscribe({
        next: (event) => {
          if (superseded) return;
          for (const out of splice ? splice.map(event) : [event]) {
            if (out.type === 'end' && canRecoverToolCall(out)) {
              superseded = true;
              return recoverToolCall(out);
            }
            heldEnd = undefined;
            const passed = out.type === 'end' && cutToolCalls !== undefined ? recoveredEnd(out) : out;
            partial.record(passed);
            subscriber.next(passed);
          }
        },
        error: (error: unknown) => {
          if (!superseded) recover(error);
        },
        complete: () => {
          if (!superseded) subscriber.complete();
        },
      });
    };

    /**
     * The end of a turn whose cut tool call was asked for again. Without a new whole call (the
     * model answered in words only), it still ends as cut short, so that the client goes on by
     * itself (Claude Code asks for the rest in smaller steps) rather than taking the turn as done.
     */
    const recoveredEnd = (end: EndEvent): EndEvent => {
      const usage = cutTurnCredits === undefined ? end.usage : { ...end.usage, credits: (end.usage.credits ?? 0) + cutTurnCredits };
      if (end.cutToolCalls?.length) {
        settleOutcome('cut_again');
        return { ...end, usage };
      }
      if (partial.toolCalls.length > callsBeforeRecovery) {
        settleOutcome('recovered');
        return { ...end, usage };
      }
      settleOutcome('no_call');
      // A client's stop sequence ended it: that is the client's own end.
      if (end.stopSequence !== undefined) return { ...end, usage };
      return { ...end, usage, finishReason: 'length', cutToolCalls: [...(cutToolCalls ?? [])] };
    };

    const ask = (splice: boolean) => {
      options.reask(partial, cutToolCalls).then(
        (call) => {
          if (closed) return call.cancel();
          attach(call.events$, splice ? new Continuation(partial) : undefined);
        },
        (err: unknown) => {
          if (!closed) recover(err);
        },
      );
    };

    function fail(error: unknown): void {
      settleOutcome('failed', error);
      subscriber.error(error);
    }

    /** Ends the response with the cut turn's end (as `length`, naming the cut calls): the recovery failed. */
    function endAsCut(end: EndEvent, error: unknown): void {
      heldEnd = undefined;
      cutTurnCredits = undefined;
      settleOutcome('failed', error);
      partial.record(end);
      subscriber.next(end);
      subscriber.complete();
    }

    function recoverToolCall(end: EndEvent): void {
      cutToolCalls = end.cutToolCalls;
      budget.toolCallAsked = true;
      heldEnd = end;
      cutEnd = end;
      cutTurnCredits = end.usage.credits;
      callsBeforeRecovery = partial.toolCalls.length;
      outcomePending = true;
      try {
        options.onRecovery?.({ kind: 'tool_call', attempt: ++budget.resumes, error: undefined, partial });
      } catch (err) {
        return fail(err);
      }
      ask(true);
    }

    function recover(error: unknown): void {
      current = undefined;
      // Asking again for the cut call brought nothing: the turn ends as it would have without it.
      if (heldEnd) return endAsCut(heldEnd, error);
      const beforeContent = partial.empty;
      const allowed = options.isTransient(error) && (beforeContent ? budget.retries < options.maxRetries : partial.resumable && budget.resumes < options.maxResumes);
      // It passed something on and then failed for good: still the cut turn's end, not a failure
      // the client would not have had without the recovery.
      if (!allowed && cutEnd) return endAsCut(cutEnd, error);
      if (!allowed) return fail(error);
      const attempt = beforeContent ? ++budget.retries : ++budget.resumes;
      try {
        options.onRecovery?.({ kind: beforeContent ? 'retry' : 'resume', attempt, error, partial });
      } catch (err) {
        return fail(err);
      }
      ask(!beforeContent);
    }

    attach(first$, undefined);
    return () => {
      closed = true;
      current?.unsubscribe();
    };
  });
}

/**
 * A continuation's events as the client must see them after the partial turn: restated text
 * dropped, reasoning dropped once the answer has started (its block is closed), tool calls
 * numbered on from those already sent, and a call restated with the same arguments left out.
 */
class Continuation {
  private readonly trimmer: OverlapTrimmer;
  private readonly sentCalls: Map<string, number>;
  private nextIndex: number;
  private readonly dropReasoning: boolean;

  constructor(partial: PartialTurn) {
    this.trimmer = new OverlapTrimmer(partial.text);
    this.nextIndex = partial.toolCalls.length;
    this.dropReasoning = partial.answerStarted;
    this.sentCalls = new Map();
    for (const call of partial.toolCalls) this.sentCalls.set(callKey(call), (this.sentCalls.get(callKey(call)) ?? 0) + 1);
  }

  map(event: AssistantEvent): AssistantEvent[] {
    switch (event.type) {
      case 'text': {
        const text = this.trimmer.process(event.text);
        return text ? [{ type: 'text', text }] : [];
      }
      case 'reasoning':
      case 'reasoningSignature':
      case 'redactedReasoning':
        // A native thought's signature and redacted reasoning go with its text (kiro-protocol.md §9.5).
        return this.dropReasoning ? [] : [event];
      case 'webSearch':
      case 'webSearchResult':
        // Searches run outside a Kiro call (generation/web-search/): never in one call's events.
        return [event];
      case 'toolCall': {
        const held = this.released();
        const key = callKey(event);
        const repeats = this.sentCalls.get(key) ?? 0;
        if (repeats > 0) {
          this.sentCalls.set(key, repeats - 1);
          return held;
        }
        return [...held, { ...event, index: this.nextIndex++ }];
      }
      case 'end': {
        const finishReason = event.finishReason === 'stop' && event.stopSequence === undefined && this.nextIndex > 0 ? 'tool_calls' : event.finishReason;
        return [...this.released(), { ...event, finishReason }];
      }
    }
  }

  private released(): AssistantEvent[] {
    const text = this.trimmer.flush();
    return text ? [{ type: 'text', text }] : [];
  }
}

function callKey(call: ToolCallEvent): string {
  return `${call.name}\u0000${call.arguments}`;
}
