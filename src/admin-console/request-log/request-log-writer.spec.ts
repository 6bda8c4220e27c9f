import type { RequestLogEntry } from './request-log-entry';
import type { RequestLogStore } from './request-log-store';
import { RequestLogWriter, type RequestLogWriterOptions } from './request-log-writer';

class FakeStore implements Pick<RequestLogStore, 'insert' | 'prune' | 'close'> {
  batches: RequestLogEntry[][] = [];
  prunes: Array<[number, number]> = [];
  failNext = false;
  closed = false;
  insert(entries: readonly RequestLogEntry[]): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.batches.push([...entries]);
  }
  prune(olderThan: number, maxRows: number): number {
    this.prunes.push([olderThan, maxRows]);
    return 0;
  }
  close(): void {
    this.closed = true;
  }
}

const entry = (requestId: string) => ({ requestId }) as RequestLogEntry;

describe(RequestLogWriter.name, () => {
  let store: FakeStore;
  let errors: string[];
  let writer: RequestLogWriter;
  const make = (options: Partial<RequestLogWriterOptions> = {}) =>
    new RequestLogWriter(store as unknown as RequestLogStore, {
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
  afterEach(() => writer.close());

  it('queues entries and writes them as one batch, not one write per request', () => {
    writer = make();
    writer.record(entry('a'));
    writer.record(entry('b'));

    expect(store.batches).toEqual([]);
    writer.flush();
    expect(store.batches).toEqual([[entry('a'), entry('b')]]);
  });

  it('writes on its timer', async () => {
    writer = make({ flushMs: 5 });
    writer.record(entry('a'));

    const deadline = Date.now() + 5_000;
    while (store.batches.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(store.batches).toEqual([[entry('a')]]);
  });

  it('drops and counts entries past its bound instead of queueing without end', () => {
    writer = make();
    for (const id of ['a', 'b', 'c', 'd', 'e']) writer.record(entry(id));

    expect(writer.queued).toBe(3);
    expect(writer.dropped).toBe(2);
  });

  it('counts a failed write as dropped entries and reports it, throwing at nobody', () => {
    writer = make();
    store.failNext = true;
    writer.record(entry('a'));

    expect(() => writer.flush()).not.toThrow();
    expect(writer.dropped).toBe(1);
    expect(errors).toEqual(['disk full']);
  });

  it('prunes by retention and size at start, and writes what is queued when closed', () => {
    writer = make();
    writer.record(entry('a'));
    writer.close();

    expect(store.prunes).toEqual([[9_000, 50]]);
    expect(store.batches).toEqual([[entry('a')]]);
    expect(store.closed).toBe(true);
  });
});
