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

/** One failure absorbed: a `retry` before anything reached the client, a `resume` after. */
export interface Recovery {
  kind: 'retry' | 'resume';
  /** Counts this kind within the response, from 1. */
  attempt: number;
  error: unknown;
  partial: PartialTurn;
}

export interface ResumeOptions {
  /** Failures before anything was sent that are asked again (the original conversation). */
  maxRetries: number;
  /** Failures after something was sent that are resumed from the partial turn; 0 turns resuming off. */
  maxResumes: number;
  /** The longest answer text kept for a resume (see PartialTurn). */
  maxPartialChars: number;
  /** Whether asking Kiro again can help (a cut, an exception frame, throttling), not a refusal. */
  isTransient(error: unknown): boolean;
  /** Asks Kiro again: the original conversation when `partial` is empty, else its continuation. */
  reask(partial: PartialTurn): Promise<Reasked>;
  /** Told before each retry or resume (logs, metrics). */
  onRecovery?(recovery: Recovery): void;
}

/**
 * The assistant events of one response, surviving Kiro's transient failures: before anything
 * was passed on, a failed call is asked again as if it never happened; after, the call is
 * resumed from the partial turn and the continuation is spliced in (restated text dropped, tool
 * call indices going on, tool calls already passed on not passed twice). Both bounded; once the
 * budget is spent, or for a failure asking again cannot fix, the failure goes on as the error.
 */
export function resumable(first$: Observable<AssistantEvent>, options: ResumeOptions): Observable<AssistantEvent> {
  return new Observable<AssistantEvent>((subscriber) => {
    const partial = new PartialTurn(options.maxPartialChars);
    let current: Subscription | undefined;
    let retries = 0;
    let resumes = 0;
    let closed = false;

    const attach = (events$: Observable<AssistantEvent>, splice: Continuation | undefined) => {
      current = events$.subscribe({
        next: (event) => {
          for (const out of splice ? splice.map(event) : [event]) {
            partial.record(out);
            subscriber.next(out);
          }
        },
        error: recover,
        complete: () => subscriber.complete(),
      });
    };
    function recover(error: unknown): void {
      current = undefined;
      const beforeContent = partial.empty;
      const allowed = options.isTransient(error) && (beforeContent ? retries < options.maxRetries : partial.resumable && resumes < options.maxResumes);
      if (!allowed) return subscriber.error(error);
      const attempt = beforeContent ? ++retries : ++resumes;
      try {
        options.onRecovery?.({ kind: beforeContent ? 'retry' : 'resume', attempt, error, partial });
      } catch (err) {
        return subscriber.error(err);
      }
      options.reask(partial).then(
        (call) => {
          if (closed) return call.cancel();
          attach(call.events$, beforeContent ? undefined : new Continuation(partial));
        },
        (err: unknown) => {
          if (!closed) recover(err);
        },
      );
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
