import type { AssistantEvent } from './assistant-events';

/**
 * How one API family renders one reply from the assistant events: its stream events as they
 * come, and the whole reply (`result()`) that a non-stream request gets. Stateful and pure: no
 * I/O, no Nest; the generation pipeline runs it (render(), renderReply()).
 */
export interface Renderer<Out, Result> {
  /** The events that open a stream (before any assistant event). */
  start(): Out[];
  /** The events for one assistant event; the `end` event's batch closes the reply. */
  process(event: AssistantEvent): Out[];
  /** The events still owed once the assistant events completed (after `end`: none). */
  finish(): Out[];
  /** The family's final error event(s) for a stream that failed after it started. */
  fail(error: unknown): Out[];
  /** The whole reply, from the events processed so far. */
  result(): Result;
  /**
   * An event that keeps an idle stream open, for clients whose idle timer only events reset
   * (undefined: none is due now); a renderer without it gets SSE comments.
   */
  keepAlive?(): Out | undefined;
}
