import { type Dispatcher, request } from 'undici';
import type { DeliveryError, DeliveryOutcome } from './alert';
import type { AlertPayload } from './alert-payload';

/** One POST of an alert to the webhook, answered as an outcome: it never throws, and never says the URL. */
export type PostAlert = (payload: AlertPayload) => Promise<Exclude<DeliveryOutcome, { outcome: 'dropped' | 'not_configured' }>>;

/**
 * Posts to `url` through `dispatcher` (HTTPS_PROXY / NO_PROXY, as every outbound call; undefined:
 * direct), giving up after `timeoutMs` whatever the server does. Redirects are not followed.
 */
export function webhookPoster(url: string, timeoutMs: number, dispatcher: () => Dispatcher | undefined): PostAlert {
  return async (payload) => {
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'kiro-gateway-alerts' },
        body: JSON.stringify(payload),
        dispatcher: dispatcher(),
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      // Read and dropped: the connection goes back to the pool, and a huge answer is never held.
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      const status = response.statusCode;
      return status >= 200 && status < 300 ? { outcome: 'delivered', status } : { outcome: 'failed', status, error: 'http_status' };
    } catch (err) {
      return { outcome: 'failed', error: deliveryError(err) };
    }
  };
}

/** What went wrong, as a kind: an error's message may quote the URL, so it is never kept. */
export function deliveryError(err: unknown): DeliveryError {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  const name = e?.name ?? '';
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (/^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/.test(code)) return 'tls';
  return 'network';
}

/** Worth one more try: the server or the path may be back in a moment. A 4xx (but 429) will not change. */
export function retryable(outcome: DeliveryOutcome): boolean {
  if (outcome.outcome !== 'failed') return false;
  if (outcome.error === 'http_status') return outcome.status === 429 || (outcome.status ?? 0) >= 500;
  return outcome.error !== 'dns' && outcome.error !== 'tls';
}

export interface WebhookQueueOptions {
  /** Alerts waiting past this are dropped (and counted): a dead webhook must not hold memory. */
  maxQueued: number;
  /** The one retry of a retryable failure waits this long; then the alert counts as failed. */
  retryDelayMs: number;
}

interface Queued {
  payload: AlertPayload;
  done: (outcome: DeliveryOutcome) => void;
}

/**
 * Alerts leave one at a time, off every request's path: `enqueue` only queues. A failure is
 * tried once more after `retryDelayMs` (no loop: a second failure is final), so a dead webhook
 * costs each alert at most two timeouts and the queue its bound.
 */
export class WebhookQueue {
  private readonly queue: Queued[] = [];
  private running = false;
  private stopped = false;

  constructor(
    private readonly post: PostAlert,
    private readonly options: WebhookQueueOptions,
  ) {}

  enqueue(payload: AlertPayload, done: (outcome: DeliveryOutcome) => void): void {
    if (this.stopped || this.queue.length >= this.options.maxQueued) return done({ outcome: 'dropped' });
    this.queue.push({ payload, done });
    if (!this.running) void this.drain();
  }

  get queued(): number {
    return this.queue.length;
  }

  stop(): void {
    this.stopped = true;
    for (const item of this.queue.splice(0)) item.done({ outcome: 'dropped' });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (!this.stopped && this.queue.length > 0) {
      const item = this.queue.shift()!;
      let outcome: DeliveryOutcome = await this.post(item.payload);
      if (retryable(outcome) && !this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs).unref());
        if (!this.stopped) outcome = await this.post(item.payload);
      }
      item.done(outcome);
    }
    this.running = false;
  }
}
