import { ignoreElements, Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { AssistantEvent } from './assistant-events';
import type { Renderer } from './renderer';

export interface RenderOptions {
  /**
   * A failure after the start — the upstream's, or a throw inside the renderer — is recorded
   * here, then becomes the renderer's `fail()` events and the stream completes. Without it the
   * failure goes on as the stream's error.
   */
  onFailure?: (error: unknown) => void;
  /** Runs before the last event of the `end` batch goes out (Responses stores the response first, so a follow-up finds it). */
  beforeFinal?: () => Promise<void>;
}

/**
 * The one operator that runs a renderer over assistant events: `start()` on subscription,
 * `process()` per event, `finish()` on completion. Every call is guarded: in RxJS 7 a throw
 * inside a hand-written `next` escapes as an uncaught exception and would take the process
 * down; here it is the stream's failure, like an upstream error. A failure stops the upstream
 * (unsubscribing aborts the Kiro request).
 */
export function render<Out>(renderer: Renderer<Out, unknown>, options: RenderOptions = {}): OperatorFunction<AssistantEvent, Out> {
  return runRenderer(renderer, options, true);
}

/**
 * The same run for a non-stream reply: no opening events, nothing emitted, failures go on as
 * the error; once it completes, `renderer.result()` is the reply.
 */
export function renderReply(renderer: Renderer<unknown, unknown>): OperatorFunction<AssistantEvent, never> {
  return (events$) => events$.pipe(runRenderer(renderer, {}, false), ignoreElements());
}

function runRenderer<Out>(renderer: Renderer<Out, unknown>, options: RenderOptions, opening: boolean): OperatorFunction<AssistantEvent, Out> {
  return (events$) =>
    new Observable<Out>((subscriber) => {
      let upstream: Subscription | undefined;
      let failed = false;
      let finalising: Promise<void> | undefined;
      const emit = (events: Out[]) => {
        for (const event of events) subscriber.next(event);
      };
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        upstream?.unsubscribe();
        if (!options.onFailure) return subscriber.error(error);
        try {
          options.onFailure(error);
          emit(renderer.fail(error));
          subscriber.complete();
        } catch (err) {
          subscriber.error(err);
        }
      };
      const finish = () => {
        try {
          emit(renderer.finish());
          subscriber.complete();
        } catch (err) {
          fail(err);
        }
      };

      try {
        if (opening) emit(renderer.start());
      } catch (err) {
        fail(err);
        return;
      }
      upstream = events$.subscribe({
        next: (event) => {
          try {
            const out = renderer.process(event);
            if (event.type !== 'end' || !options.beforeFinal) return emit(out);
            const last = out.pop();
            emit(out);
            finalising = options
              .beforeFinal()
              .catch(() => undefined)
              .then(() => {
                if (last !== undefined && !subscriber.closed) subscriber.next(last);
              });
          } catch (err) {
            fail(err);
          }
        },
        error: fail,
        complete: () => {
          if (finalising) void finalising.then(finish);
          else finish();
        },
      });
      // A failure while subscribing (a synchronous source) came before `upstream` was set.
      if (failed) upstream.unsubscribe();
      return upstream;
    });
}
