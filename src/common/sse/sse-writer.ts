import type { Response } from 'express';
import type { Observable, Subscription } from 'rxjs';
import { ShuttingDownError } from '../errors';
import { requestScope } from '../request-scope';
import type { FlowGate } from '../flow-gate';
import type { ActiveStreams } from './active-streams';

/** How one API family writes its events on the wire. */
export interface SseFormat<T> {
  /** One whole SSE block for an event (`data: …\n\n`, or with an `event:` line). */
  event(event: T): string;
  /** The final block of a stream that failed after it started. */
  error(error: unknown): string;
  /** The block after the last event of a stream that succeeded (OpenAI's `data: [DONE]`). */
  end?: string;
}

export interface SseOptions<T> {
  format: SseFormat<T>;
  /** Called once with the error of a failed stream (for logging). */
  onError?: (error: unknown) => void;
  /** Registers the stream so that shutdown can wait for it, then end it. */
  registry?: ActiveStreams;
  /** Closed while the client's socket is full, so the upstream stops reading. */
  flow?: FlowGate;
}

/**
 * Writes an Observable as server-sent events. Events ready in the same tick are joined into one
 * `write` (one syscall instead of many for a burst of small frames). A failure after the start
 * becomes one final error event and no terminator, which the SDKs raise; a client that leaves
 * unsubscribes, and unsubscribing aborts the upstream call.
 */
export function writeSse<T>(response: Response, events$: Observable<T>, options: SseOptions<T>): Subscription {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('Connection', 'keep-alive');
  // Reverse proxies (nginx) must not buffer a stream.
  response.setHeader('X-Accel-Buffering', 'no');
  // No flushHeaders(): the first event follows in the same tick and carries the headers in the
  // same write (one syscall fewer per stream).

  const { format } = options;
  let pending = '';
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (pending && !response.writableEnded && !response.destroyed && !response.write(pending) && options.flow) {
      const flow = options.flow;
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

  const recorder = requestScope.recorder();
  const fail = (error: unknown) => {
    recorder?.markFailed();
    options.onError?.(error);
    enqueue(format.error(error));
    end();
  };
  let first = true;
  const subscription = events$.subscribe({
    next: (event) => {
      if (first) {
        first = false;
        const request = response.req;
        options.registry?.firstEvent((request.route as { path?: string } | undefined)?.path ?? request.path, String(response.locals.model ?? ''), response.locals.startedAt as bigint | undefined);
      }
      enqueue(format.event(event));
    },
    error: fail,
    complete: () => {
      if (format.end) enqueue(format.end);
      end();
    },
  });
  const unregister = options.registry?.add({
    terminate: (reason) => {
      subscription.unsubscribe();
      fail(new ShuttingDownError(reason));
    },
  });
  subscription.add(() => unregister?.());
  response.once('close', () => subscription.unsubscribe());
  return subscription;
}
