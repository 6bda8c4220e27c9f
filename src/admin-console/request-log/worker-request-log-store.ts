import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RequestLogEntry, RequestLogOverview, RequestLogQuery, StoredRequestLogEntry } from './request-log-entry';
import type { StoreCall, StoreReply } from './request-log-worker';

/** The store as the main thread sees it: every call a message to the worker, answered in order. */
export interface AsyncRequestLogStore {
  insert(entries: readonly RequestLogEntry[]): Promise<void>;
  list(query: RequestLogQuery): Promise<StoredRequestLogEntry[]>;
  get(seq: number): Promise<StoredRequestLogEntry | undefined>;
  byEntryId(entryId: string): Promise<StoredRequestLogEntry | undefined>;
  overview(window: 'hour' | 'day', now: number): Promise<RequestLogOverview>;
  prune(olderThan: number, maxRows: number): Promise<number>;
  close(): Promise<void>;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * SqliteRequestLogStore on a worker thread (request-log-worker.ts). Built, the worker is its
 * compiled .js beside this file; from the TypeScript sources (tests, `npm run demo`) it loads
 * the .ts through ts-node, a dev dependency present wherever the sources run.
 */
export class WorkerRequestLogStore implements AsyncRequestLogStore {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  /** Resolves once the database is open; rejects with the reason it could not be. */
  readonly ready: Promise<void>;

  constructor(file: string) {
    this.worker = startWorker(file);
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (reply: StoreReply) => {
        if ('ready' in reply) {
          if (this.pending.size === 0) this.worker.unref();
          return resolve();
        }
        const pending = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (this.pending.size === 0) this.worker.unref();
        if (reply.error !== undefined) pending?.reject(new Error(reply.error));
        else pending?.resolve(reply.value);
      });
      this.worker.on('error', (err) => {
        this.failure = err;
        this.worker.unref();
        reject(err);
        for (const pending of this.pending.values()) pending.reject(err);
        this.pending.clear();
      });
    });
    // Opening, or a call under way, keeps the process alive (a shutdown's last batch is written);
    // an idle log does not.
  }

  insert(entries: readonly RequestLogEntry[]): Promise<void> {
    return this.call({ op: 'insert', args: [entries] }) as Promise<void>;
  }

  list(query: RequestLogQuery): Promise<StoredRequestLogEntry[]> {
    return this.call({ op: 'list', args: [query] }) as Promise<StoredRequestLogEntry[]>;
  }

  get(seq: number): Promise<StoredRequestLogEntry | undefined> {
    return this.call({ op: 'get', args: [seq] }) as Promise<StoredRequestLogEntry | undefined>;
  }

  byEntryId(entryId: string): Promise<StoredRequestLogEntry | undefined> {
    return this.call({ op: 'byEntryId', args: [entryId] }) as Promise<StoredRequestLogEntry | undefined>;
  }

  overview(window: 'hour' | 'day', now: number): Promise<RequestLogOverview> {
    return this.call({ op: 'overview', args: [window, now] }) as Promise<RequestLogOverview>;
  }

  prune(olderThan: number, maxRows: number): Promise<number> {
    return this.call({ op: 'prune', args: [olderThan, maxRows] }) as Promise<number>;
  }

  async close(): Promise<void> {
    if (!this.failure) await this.call({ op: 'close', args: [] }).catch(() => undefined);
    await this.worker.terminate();
  }

  private call(call: Omit<StoreCall, 'id'>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...call });
    });
  }
}

function startWorker(file: string): Worker {
  const compiled = join(__dirname, 'request-log-worker.js');
  if (existsSync(compiled)) return new Worker(compiled, { workerData: { file } });
  const source = join(__dirname, 'request-log-worker.ts');
  const loader = `require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(join(__dirname, '..', '..', '..', 'tsconfig.json'))} }); require(${JSON.stringify(source)});`;
  return new Worker(loader, { eval: true, workerData: { file } });
}
