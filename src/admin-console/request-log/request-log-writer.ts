import type { RequestLogEntry } from './request-log-entry';
import type { RequestLogStore } from './request-log-store';

export interface RequestLogWriterOptions {
  /** A batch is written at most this long after its first entry. */
  flushMs: number;
  /** Entries waiting past this are dropped (and counted), never queued without bound. */
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
 * Hands entries to the store off the request's path: `record()` only queues; the queue is
 * written as one transaction on a timer, so a request never waits on the disk, and a store
 * that fails or falls behind costs entries (counted in `dropped`), never a request.
 */
export class RequestLogWriter {
  private queue: RequestLogEntry[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly pruneTimer: NodeJS.Timeout;
  private closed = false;
  /** Entries lost to a full queue or a failed write. */
  dropped = 0;

  constructor(
    private readonly store: RequestLogStore,
    private readonly options: RequestLogWriterOptions,
  ) {
    this.pruneTimer = setInterval(() => this.prune(), options.pruneEveryMs);
    this.pruneTimer.unref();
    this.prune();
  }

  record(entry: RequestLogEntry): void {
    if (this.closed) return;
    if (this.queue.length >= this.options.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push(entry);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.options.flushMs);
      this.flushTimer.unref();
    }
  }

  /** Writes what is queued now (also what the console reads first, so it sees the latest). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.store.insert(batch);
    } catch (err) {
      this.dropped += batch.length;
      this.options.onError(err as Error);
    }
  }

  get queued(): number {
    return this.queue.length;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    clearInterval(this.pruneTimer);
    this.store.close();
  }

  private prune(): void {
    try {
      this.store.prune(this.options.now() - this.options.retentionMs, this.options.maxRows);
    } catch (err) {
      this.options.onError(err as Error);
    }
  }
}
