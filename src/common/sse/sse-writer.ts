import type { Response } from 'express';
import type { Observable, Subscription } from 'rxjs';
import { ShuttingDownError } from '../errors';
import type { ActiveStreams } from './active-streams';

export interface SseOptions<T> {
  /** The body of the final `data:` event when the stream fails after it started. */
  renderError: (error: unknown) => unknown;
  /** Called once with the error of a failed stream (for logging). */
  onError?: (error: unknown) => void;
  /** `data: [DONE]` after the last event (OpenAI's terminator). */
  doneMarker?: string;
  serialise?: (event: T) => string;
  /** Registers the stream so that shutdown can wait for it, then end it. */
  registry?: ActiveStreams;
}

/**
 * Writes an Observable as server-sent events. Events ready in the same tick are joined into one
 * `write` (one syscall instead of many for a burst of small frames). A failure after the start
 * becomes one final error event and no `[DONE]`, which the OpenAI SDK raises; a client that
 * leaves unsubscribes, and unsubscribing aborts the upstream call.
 */
export function writeSse<T>(response: Response, events$: Observable<T>, options: SseOptions<T>): Subscription {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('Connection', 'keep-alive');
  // Reverse proxies (nginx) must not buffer a stream.
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();

  const serialise = options.serialise ?? ((event: T) => JSON.stringify(event));
  let pending = '';
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    if (pending && !response.writableEnded && !response.destroyed) response.write(pending);
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

  const fail = (error: unknown) => {
    options.onError?.(error);
    enqueue(`data: ${JSON.stringify(options.renderError(error))}\n\n`);
    end();
  };
  const subscription = events$.subscribe({
    next: (event) => enqueue(`data: ${serialise(event)}\n\n`),
    error: fail,
    complete: () => {
      if (options.doneMarker) enqueue(`data: ${options.doneMarker}\n\n`);
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
