/** The longest the gateway waits before asking Kiro again: a longer Retry-After is the client's to honour. */
export const MAX_RETRY_WAIT_MS = 30_000;

/**
 * How long to wait before retry number `retryIndex` (0-based): Kiro's Retry-After when it sent
 * one, else exponential backoff from BASE_RETRY_DELAY with a quarter of jitter (at most
 * MAX_RETRY_WAIT_MS); undefined when that wait exceeds `maxWaitMs` (the caller gives up).
 */
export function retryDelayMs(baseDelayMs: number, retryIndex: number, retryAfterSeconds: number | undefined, maxWaitMs = MAX_RETRY_WAIT_MS): number | undefined {
  const base = baseDelayMs * 2 ** retryIndex;
  const wait = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : Math.min(MAX_RETRY_WAIT_MS, Math.round(base + Math.random() * base * 0.25));
  return wait <= maxWaitMs ? wait : undefined;
}
