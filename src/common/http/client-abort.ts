import type { ServerResponse } from 'node:http';

/**
 * A signal that fires when the client goes away before the response is complete. The response's
 * `close` before `finish` is the one reliable signal: a POST request's own `close` fires as soon
 * as its body has been read (style.md, Streams).
 */
export function abortOnClientGone(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
