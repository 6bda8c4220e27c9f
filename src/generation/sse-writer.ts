import type { ServerResponse } from 'node:http';
import type { Observable, Subscription } from 'rxjs';
import type { FlowGate } from '../common/flow-gate';

/** How one API family writes its events on the wire. */
export interface SseFormat<T> {
  /** One whole SSE block for an event (`data: …\n\n`, or with an `event:` line). */
  event(event: T): string;
  /** The block after the last event, if any (OpenAI's `data: [DONE]` after a stream that succeeded). */
  end?(): string;
}

/** An SSE comment line (`: text`): every SSE parser skips it; proxies see bytes. */
export class SseComment {
  constructor(readonly text: string) {}
}

/** The keep-alive of families whose clients need no event for it (OpenAI chat). */
export const KEEP_ALIVE_COMMENT = new SseComment('keep-alive');

export interface SseWriterOptions<T> {
  format: SseFormat<T>;
  /** Closed while the client's socket is full, so the upstream stops reading. */
  flow?: FlowGate;
  /** The first event is about to be written (time to first token). */
  onFirstEvent?: () => void;
  /**
   * The stream failed into the writer. The pipeline renders every failure as the family's own
   * error event, so this is a defect: it is reported here and the response ends.
   */
  onDefect?: (error: unknown) => void;
}

/**
 * Writes an Observable as server-sent events, respecting `res.write()` backpressure. Events
 * ready in the same tick are joined into one `write` (one syscall instead of many for a burst of
 * small frames). A client that leaves unsubscribes, and unsubscribing aborts the upstream call.
 */
export function writeSse<T>(response: ServerResponse, events$: Observable<T | SseComment>, options: SseWriterOptions<T>): Subscription {
  response.statusCode = 200;
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('Connection', 'keep-alive');
  // Reverse proxies (nginx) must not buffer a stream.
  response.setHeader('X-Accel-Buffering', 'no');
  // No flushHeaders(): the first event follows in the same tick and carries the headers in the
  // same write (one syscall fewer per stream).

  const { format, flow } = options;
  let pending = '';
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (pending && !response.writableEnded && !response.destroyed && !response.write(pending) && flow) {
      flow.pause();
      response.once('drain', () => flow.resume());
    }
    pending = '';
  };
  const enqueue = (text: string) => {
    pending += text;
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flush);
    }
  };
  const end = () => {
    flush();
    if (!response.writableEnded) response.end();
  };
  const defect = (error: unknown) => {
    options.onDefect?.(error);
    end();
  };

  let first = true;
  let broken = false;
  let subscription: Subscription | undefined = undefined;
  subscription = events$.subscribe({
    // A subscriber's own callback: a throw here would escape RxJS as an uncaught exception.
    next: (event) => {
      if (broken) return;
      try {
        if (first) {
          first = false;
          options.onFirstEvent?.();
        }
        enqueue(event instanceof SseComment ? `: ${event.text}\n\n` : format.event(event));
      } catch (err) {
        broken = true;
        subscription?.unsubscribe();
        defect(err);
      }
    },
    error: defect,
    complete: () => {
      const last = format.end?.();
      if (last) enqueue(last);
      end();
    },
  });
  // Broken while subscribing (a synchronous source): `subscription` was not set yet.
  if (broken) subscription.unsubscribe();
  const written = subscription;
  response.once('close', () => written.unsubscribe());
  return written;
}
