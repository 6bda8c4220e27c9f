import type { RequestLogEntry } from './request-log-entry';
import type { AsyncRequestLogStore } from './worker-request-log-store';

export interface RequestLogWriterOptions {
  /** A batch is written at most this long after its first entry. */
  flushMs: number;
  /** Entries waiting (queued here or sent to the store and not yet written) past this are dropped and counted. */
  maxQueued: number;
  retentionMs: number;
  maxRows: number;
  /** How often old entries are deleted. */
  pruneEveryMs: number;
  now: () => number;
  /** A failed write or prune: logged by the owner, never thrown at a request. */
  onError: (error: Error) => void;
}

/**
 * Hands entries to the store off the request's path: `record()` only queues; the queue goes to
 * the store (on its own thread) as one batch on a timer, so a request never waits on the disk,
 * and a store that fails or falls behind costs entries (counted in `dropped`), never a request
 * or unbounded memory.
 */
export class RequestLogWriter {
  private queue: RequestLogEntry[] = [];
  /** Entries sent to the store and not yet written. */
  private sending = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly pruneTimer: NodeJS.Timeout;
  private closed = false;
  /** Entries lost to a full queue or a failed write. */
  dropped = 0;

  constructor(
    private readonly store: AsyncRequestLogStore,
    private readonly options: RequestLogWriterOptions,
  ) {
    this.pruneTimer = setInterval(() => this.prune(), options.pruneEveryMs);
    this.pruneTimer.unref();
    this.prune();
  }

  record(entry: RequestLogEntry): void {
    if (this.closed) return;
    if (this.queue.length + this.sending >= this.options.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push(entry);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush(), this.options.flushMs);
      this.flushTimer.unref();
    }
  }

  /**
   * Sends what is queued now. The store answers in order, so a read issued after this sees
   * these entries (the console flushes before it reads).
   */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue;
    this.queue = [];
    this.sending += batch.length;
    return this.store.insert(batch).then(
      () => {
        this.sending -= batch.length;
      },
      (err: Error) => {
        this.sending -= batch.length;
        this.dropped += batch.length;
        this.options.onError(err);
      },
    );
  }

  get queued(): number {
    return this.queue.length + this.sending;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const last = this.flush();
    this.closed = true;
    clearInterval(this.pruneTimer);
    await last;
    await this.store.close();
  }

  private prune(): void {
    this.store.prune(this.options.now() - this.options.retentionMs, this.options.maxRows).catch((err: Error) => this.options.onError(err));
  }
}
