import type { RequestLogEntry } from './request-log-entry';
import { RequestLogWriter, type RequestLogWriterOptions } from './request-log-writer';
import type { AsyncRequestLogStore } from './worker-request-log-store';

/** A store whose writes finish when the test says so. */
class FakeStore implements Pick<AsyncRequestLogStore, 'insert' | 'prune' | 'close'> {
  batches: RequestLogEntry[][] = [];
  prunes: Array<[number, number]> = [];
  private finishers: Array<(error?: Error) => void> = [];
  closed = false;
  /** Writes finish at once (set when a test is over). */
  immediate = false;
  insert(entries: readonly RequestLogEntry[]): Promise<void> {
    this.batches.push([...entries]);
    if (this.immediate) return Promise.resolve();
    return new Promise((resolve, reject) => this.finishers.push((error) => (error ? reject(error) : resolve())));
  }
  finishWrites(error?: Error): void {
    for (const finish of this.finishers.splice(0)) finish(error);
  }
  prune(olderThan: number, maxRows: number): Promise<number> {
    this.prunes.push([olderThan, maxRows]);
    return Promise.resolve(0);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const entry = (requestId: string) => ({ requestId }) as RequestLogEntry;

describe(RequestLogWriter.name, () => {
  let store: FakeStore;
  let errors: string[];
  let writer: RequestLogWriter;
  const make = (options: Partial<RequestLogWriterOptions> = {}) =>
    new RequestLogWriter(store as unknown as AsyncRequestLogStore, {
      flushMs: 60_000,
      maxQueued: 3,
      retentionMs: 1_000,
      maxRows: 50,
      pruneEveryMs: 60_000,
      now: () => 10_000,
      onError: (err) => errors.push(err.message),
      ...options,
    });
  beforeEach(() => {
    store = new FakeStore();
    errors = [];
  });
  afterEach(async () => {
    store.immediate = true;
    store.finishWrites();
    await writer.close();
  });

  it('queues entries and sends them as one batch, not one write per request', async () => {
    writer = make();
    writer.record(entry('a'));
    writer.record(entry('b'));

    expect(store.batches).toEqual([]);
    const flushed = writer.flush();
    store.finishWrites();
    await flushed;
    expect(store.batches).toEqual([[entry('a'), entry('b')]]);
    expect(writer.queued).toBe(0);
  });

  it('sends on its timer', async () => {
    writer = make({ flushMs: 5 });
    writer.record(entry('a'));

    const deadline = Date.now() + 5_000;
    while (store.batches.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(store.batches).toEqual([[entry('a')]]);
  });

  it('drops and counts entries past its bound, counting those the store has not written yet', async () => {
    writer = make();
    writer.record(entry('a'));
    writer.record(entry('b'));
    void writer.flush();
    for (const id of ['c', 'd', 'e']) writer.record(entry(id));

    expect(writer.queued).toBe(3);
    expect(writer.dropped).toBe(2);
  });

  it('counts a failed write as dropped entries and reports it, throwing at nobody', async () => {
    writer = make();
    writer.record(entry('a'));
    const flushed = writer.flush();
    store.finishWrites(new Error('disk full'));

    await expect(flushed).resolves.toBeUndefined();
    expect(writer.dropped).toBe(1);
    expect(errors).toEqual(['disk full']);
  });

  it('prunes by retention and size at start, and sends what is queued when closed', async () => {
    writer = make();
    writer.record(entry('a'));
    const closed = writer.close();
    store.finishWrites();
    await closed;

    expect(store.prunes).toEqual([[9_000, 50]]);
    expect(store.batches).toEqual([[entry('a')]]);
    expect(store.closed).toBe(true);
  });
});
