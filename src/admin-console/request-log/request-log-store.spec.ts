import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestLogEntry } from './request-log-entry';
import { sampleEntry } from './request-log-entry.fixture';
import { SqliteRequestLogStore } from './request-log-store';

const NOW = Date.UTC(2026, 11, 1, 12, 30, 10);

function entry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return sampleEntry({
    at: NOW - 1_000,
    route: '/v1/chat/completions',
    durationMs: 120,
    ttftMs: 40,
    modelAsked: 'claude-sonnet-4.5',
    modelUsed: 'claude-sonnet-4.5',
    stream: true,
    inputTokens: 10,
    outputTokens: 5,
    credits: 0.25,
    ...overrides,
  });
}

describe(SqliteRequestLogStore.name, () => {
  let store: SqliteRequestLogStore;
  beforeEach(() => {
    store = new SqliteRequestLogStore(':memory:');
  });
  afterEach(() => store.close());

  it('gives back what it was given, newest first, numbered in order', () => {
    store.insert([entry({ requestId: 'first', attempts: ['b', 'a'] }), entry({ requestId: 'second', stream: null, credits: null })]);

    const [second, first] = store.list({ limit: 10 });

    expect(first).toEqual({ seq: 1, ...entry({ requestId: 'first', attempts: ['b', 'a'] }) });
    expect(second).toEqual({ seq: 2, ...entry({ requestId: 'second', stream: null, credits: null }) });
    expect(store.get(1)).toEqual(first);
    expect(store.get(3)).toBeUndefined();
  });

  it('filters by outcome, account, model and caller, and pages with before', () => {
    store.insert([
      entry({ requestId: 'ok-a' }),
      entry({ requestId: 'throttled-b', account: 'b', status: 429, errorKind: 'rate_limited' }),
      entry({ requestId: 'stream-failed-b', account: 'b', status: 200, errorKind: 'upstream_error', modelUsed: 'claude-haiku-4.5' }),
      entry({ requestId: 'tenant', callerKind: 'tenant', caller: 'tenant:abc', account: null }),
    ]);
    const ids = (query: Parameters<SqliteRequestLogStore['list']>[0]) => store.list(query).map((e) => e.requestId);

    expect(ids({ limit: 10, outcome: 'error' })).toEqual(['stream-failed-b', 'throttled-b']);
    expect(ids({ limit: 10, outcome: 'ok' })).toEqual(['tenant', 'ok-a']);
    expect(ids({ limit: 10, account: 'b' })).toEqual(['stream-failed-b', 'throttled-b']);
    expect(ids({ limit: 10, model: 'claude-haiku-4.5' })).toEqual(['stream-failed-b']);
    expect(ids({ limit: 10, caller: 'tenant:abc' })).toEqual(['tenant']);
    expect(ids({ limit: 2 })).toEqual(['tenant', 'stream-failed-b']);
    expect(ids({ limit: 2, before: 3 })).toEqual(['throttled-b', 'ok-a']);
  });

  it("orders by when each request arrived, then by seq, so another replica's older entries take their place in time", () => {
    // This replica's own entries, then another replica's read from Redis (a restart replays older ones too).
    store.insert([entry({ requestId: 'own-1', at: NOW - 3_000 }), entry({ requestId: 'own-2', at: NOW - 1_000 })]);
    store.insert([entry({ requestId: 'other-old', at: NOW - 5_000, entryId: 'b-1' }), entry({ requestId: 'other-mid', at: NOW - 2_000, entryId: 'b-2' }), entry({ requestId: 'other-same', at: NOW - 1_000, entryId: 'b-3' })]);
    const ids = (query: Parameters<SqliteRequestLogStore['list']>[0]) => store.list(query).map((e) => e.requestId);
    const seqOf = (requestId: string) => store.list({ limit: 10 }).find((e) => e.requestId === requestId)!.seq;

    expect(ids({ limit: 10 })).toEqual(['other-same', 'own-2', 'other-mid', 'own-1', 'other-old']);
    // Paging goes on after the last entry shown, in the same order, ties included.
    expect(ids({ limit: 2, before: seqOf('own-2') })).toEqual(['other-mid', 'own-1']);
    expect(ids({ limit: 10, before: seqOf('other-same') })).toEqual(['own-2', 'other-mid', 'own-1', 'other-old']);
    expect(ids({ limit: 10, before: seqOf('own-1') })).toEqual(['other-old']);
    expect(ids({ limit: 10, account: 'a', before: seqOf('other-mid') })).toEqual(['own-1', 'other-old']);
    // The oldest by time are pruned, not the last stored.
    const oldest = seqOf('other-old');
    expect(store.prune(0, 3)).toBe(2);
    expect(ids({ limit: 10 })).toEqual(['other-same', 'own-2', 'other-mid']);
    // A cursor pruned meanwhile: what was stored before it.
    expect(ids({ limit: 10, before: oldest })).toEqual(['own-2']);
  });

  it('reads the newest-first page through an index, filtered or not, never a sort of the whole log', () => {
    const db = store['db'];
    const plans = [{ limit: 50 }, { limit: 50, before: 1 }, { limit: 50, account: 'a' }, { limit: 50, caller: 'default', before: 1 }].map((query) => {
      store.insert([entry()]);
      const spy = jest.spyOn(db, 'prepare');
      store.list(query);
      const sql = spy.mock.calls.map(([text]) => text).find((text) => text.startsWith('SELECT * FROM requests'))!;
      spy.mockRestore();
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ limit: 50, before: 1, beforeAt: NOW, account: 'a', caller: 'default' }) as Array<{ detail: string }>).map((row) => row.detail).join('; ');
    });

    for (const plan of plans) {
      expect(plan).toMatch(/USING INDEX requests_(at|account_at|caller_at)\b/);
      expect(plan).not.toContain('TEMP B-TREE');
    }
  });

  it('sums the last hour per minute: requests, errors by kind, tokens, credits and TTFT percentiles', () => {
    const minuteAgo = NOW - 60_000;
    store.insert([
      ...[10, 20, 30, 40, 1000].map((ttftMs, i) => entry({ requestId: `now-${i}`, ttftMs, at: NOW - 5_000 })),
      entry({ requestId: 'throttled', at: minuteAgo, status: 429, errorKind: 'rate_limited', ttftMs: null, inputTokens: null, outputTokens: null, credits: null }),
      entry({ requestId: 'old', at: NOW - 2 * 3_600_000 }),
    ]);

    const overview = store.overview('hour', NOW);

    expect(overview.buckets).toHaveLength(60);
    expect(overview.bucketMs).toBe(60_000);
    expect(overview.from).toBe(Date.UTC(2026, 11, 1, 11, 31));
    expect(overview.buckets[59]).toEqual({ at: Date.UTC(2026, 11, 1, 12, 30), requests: 5, errors: 0, inputTokens: 50, outputTokens: 25, cachedTokens: 0, credits: 1.25, ttftP50Ms: 30, ttftP95Ms: 1000 });
    expect(overview.buckets[58]).toMatchObject({ requests: 1, errors: 1, ttftP50Ms: null });
    expect(overview.errorsByKind).toEqual({ rate_limited: 1 });
    expect(overview.totals).toEqual({ requests: 6, errors: 1, inputTokens: 50, outputTokens: 25, cachedTokens: 0, credits: 1.25, ttftP50Ms: 30, ttftP95Ms: 1000 });
    expect(store.overview('day', NOW).totals.requests).toBe(7);
  });

  it('prunes by age, then keeps only the newest rows', () => {
    store.insert([entry({ requestId: 'old', at: NOW - 10_000 }), ...[1, 2, 3, 4].map((i) => entry({ requestId: `new-${i}` }))]);

    expect(store.prune(NOW - 5_000, 2)).toBe(3);
    expect(store.list({ limit: 10 }).map((e) => e.requestId)).toEqual(['new-4', 'new-3']);
  });

  it('keeps its entries in a file across a reopen', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'request-log-')), 'nested', 'log.sqlite3');
    const first = new SqliteRequestLogStore(file);
    first.insert([entry()]);
    first.close();

    const reopened = new SqliteRequestLogStore(file);
    expect(reopened.list({ limit: 5 }).map((e) => e.requestId)).toEqual(['req-1']);
    reopened.close();
  });

  it('keeps an entry once by its id, however often it is handed over, and finds it by that id', () => {
    store.insert([entry({ requestId: 'shared', entryId: 'e-1', instance: 'replica-a', dump: '2026-12-01T12-30-09-000Z-shared' })]);
    store.insert([entry({ requestId: 'shared', entryId: 'e-1', instance: 'replica-a' }), entry({ requestId: 'other', entryId: 'e-2', instance: 'replica-b' }), entry({ requestId: 'old' })]);

    expect(store.list({ limit: 10 }).map((e) => [e.requestId, e.entryId, e.instance])).toEqual([
      ['old', undefined, undefined],
      ['other', 'e-2', 'replica-b'],
      ['shared', 'e-1', 'replica-a'],
    ]);
    expect(store.byEntryId('e-1')).toEqual({ seq: 1, ...entry({ requestId: 'shared', entryId: 'e-1', instance: 'replica-a', dump: '2026-12-01T12-30-09-000Z-shared' }) });
    expect(store.byEntryId('nope')).toBeUndefined();
  });

  it('adds the newer columns to a database an older gateway wrote', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'request-log-')), 'old.sqlite3');
    const Sqlite = require('better-sqlite3') as typeof import('better-sqlite3');
    const old = new Sqlite(file);
    old.exec(`CREATE TABLE requests (seq INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, at INTEGER NOT NULL, method TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL,
      client_closed INTEGER NOT NULL, duration_ms INTEGER NOT NULL, ttft_ms INTEGER, caller_kind TEXT NOT NULL, caller TEXT, model_asked TEXT, model_used TEXT, stream INTEGER, account TEXT,
      attempts TEXT NOT NULL, input_tokens INTEGER, output_tokens INTEGER, cached_tokens INTEGER, credits REAL, error_kind TEXT, error_message TEXT)`);
    old.prepare(`INSERT INTO requests (request_id, at, method, route, status, client_closed, duration_ms, caller_kind, attempts) VALUES ('before', 1, 'POST', '/v1/messages', 200, 0, 5, 'key', '[]')`).run();
    old.close();

    const upgraded = new SqliteRequestLogStore(file);
    upgraded.insert([entry({ requestId: 'after', entryId: 'e-9', instance: 'gw' })]);

    expect(upgraded.list({ limit: 5 }).map((e) => [e.requestId, e.entryId])).toEqual([['after', 'e-9'], ['before', undefined]]);
    upgraded.close();
  });
});
