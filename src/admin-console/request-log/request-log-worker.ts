import { parentPort, workerData } from 'node:worker_threads';
import { type RequestLogStore, SqliteRequestLogStore } from './request-log-store';

/**
 * The request log's own thread: it owns the SQLite connection, so no insert, query or prune
 * (a day's overview over 100,000 entries is hundreds of milliseconds) ever runs on the event
 * loop that serves requests. Calls are answered in the order they came.
 */
export type StoreCall = { [K in keyof RequestLogStore]: { id: number; op: K; args: Parameters<RequestLogStore[K]> } }[keyof RequestLogStore];
export type StoreReply = { id: number; value?: unknown; error?: string } | { ready: true };

const port = parentPort!;
const store = new SqliteRequestLogStore((workerData as { file: string }).file);
port.postMessage({ ready: true } satisfies StoreReply);
port.on('message', ({ id, op, args }: StoreCall) => {
  try {
    const value = (store[op] as (...a: unknown[]) => unknown)(...args);
    port.postMessage({ id, value } satisfies StoreReply);
  } catch (err) {
    port.postMessage({ id, error: (err as Error).message } satisfies StoreReply);
  }
  if (op === 'close') port.close();
});
