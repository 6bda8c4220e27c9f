import { AsyncLocalStorage } from 'node:async_hooks';

/** What the pipeline may record about the request it serves (debug dumps). */
export interface RequestRecorder {
  kiroRequest(body: string): void;
  kiroResponseChunk(bytes: Uint8Array): void;
  /** The request failed after its status was sent (a mid-stream error). */
  markFailed(): void;
}

interface RequestScope {
  requestId: string;
  recorder?: RequestRecorder;
  /** The request's session-affinity key (kiro-protocol.md §9.2), computed when first asked for. */
  affinityKey?: () => string | undefined;
}

/**
 * Per-request context that follows the request through async code (controllers, the Kiro client,
 * stream loops) without threading it through every signature.
 */
const storage = new AsyncLocalStorage<RequestScope>();

export const requestScope = {
  run<T>(scope: RequestScope, fn: () => T): T {
    return storage.run(scope, fn);
  },
  recorder(): RequestRecorder | undefined {
    return storage.getStore()?.recorder;
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
  affinityKey(): string | undefined {
    return storage.getStore()?.affinityKey?.();
  },
};

/**
 * A log message carrying the id of the request being served, if any (a structured field, so a
 * retry or a failed refresh can be matched to the request's own log line and X-Request-ID).
 */
export function withRequestId(msg: string): string | { msg: string; requestId: string } {
  const requestId = requestScope.requestId();
  return requestId === undefined ? msg : { msg, requestId };
}
