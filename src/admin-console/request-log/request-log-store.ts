import type BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { percentile } from './percentile';
import type { OverviewBucket, RequestLogEntry, RequestLogOverview, RequestLogQuery, StoredRequestLogEntry } from './request-log-entry';

/** Where entries are kept: written in batches, read by the console. */
export interface RequestLogStore {
  insert(entries: readonly RequestLogEntry[]): void;
  list(query: RequestLogQuery): StoredRequestLogEntry[];
  get(seq: number): StoredRequestLogEntry | undefined;
  byEntryId(entryId: string): StoredRequestLogEntry | undefined;
  overview(window: 'hour' | 'day', now: number): RequestLogOverview;
  /** Deletes what is older than `olderThan` (epoch ms) and all but the newest `maxRows`. */
  prune(olderThan: number, maxRows: number): number;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  status INTEGER NOT NULL,
  client_closed INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  ttft_ms INTEGER,
  caller_kind TEXT NOT NULL,
  caller TEXT,
  model_asked TEXT,
  model_used TEXT,
  stream INTEGER,
  account TEXT,
  attempts TEXT NOT NULL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cached_tokens INTEGER,
  credits REAL,
  error_kind TEXT,
  error_message TEXT,
  entry_id TEXT,
  instance TEXT,
  dump TEXT
);
CREATE INDEX IF NOT EXISTS requests_at ON requests (at);
CREATE INDEX IF NOT EXISTS requests_caller_at ON requests (caller, at);
CREATE INDEX IF NOT EXISTS requests_account_at ON requests (account, at);
DROP INDEX IF EXISTS requests_account;
`;

/** Columns added since the first schema: a database written by an older gateway gets them at start. */
const ADDED_COLUMNS = ['entry_id TEXT', 'instance TEXT', 'dump TEXT'];
/** One entry once, however often replicas hand it over (NULLs, the older entries, do not collide). */
const ENTRY_ID_INDEX = 'CREATE UNIQUE INDEX IF NOT EXISTS requests_entry_id ON requests (entry_id)';

/**
 * Newest first by when the request arrived, then by seq (the order this replica stored it): the
 * entries of other replicas (read from Redis, a restart's replay of old ones included) take their
 * place in time, not at the top. An index on `at` holds the rowid (seq) after it, so `requests_at`,
 * `requests_caller_at` and `requests_account_at` each read a page in this order without a sort.
 */
const NEWEST_FIRST = 'ORDER BY at DESC, seq DESC';

/** The most one query returns. */
export const MAX_PAGE = 500;

interface Row {
  seq: number;
  request_id: string;
  at: number;
  method: string;
  route: string;
  status: number;
  client_closed: number;
  duration_ms: number;
  ttft_ms: number | null;
  caller_kind: string;
  caller: string | null;
  model_asked: string | null;
  model_used: string | null;
  stream: number | null;
  account: string | null;
  attempts: string;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_tokens: number | null;
  credits: number | null;
  error_kind: string | null;
  error_message: string | null;
  entry_id: string | null;
  instance: string | null;
  dump: string | null;
}

/**
 * The request log in an embedded SQLite file (better-sqlite3): it survives restarts with no
 * other service. WAL with `synchronous=NORMAL`: a batch of a few hundred rows is one short
 * transaction. Client keys and budgets (issue 15, item 4) are meant to sum `credits` by
 * `caller` over `at`, which the (caller, at) index serves.
 */
export class SqliteRequestLogStore implements RequestLogStore {
  private readonly db: BetterSqlite3.Database;
  private readonly insertRow: BetterSqlite3.Statement;
  private readonly insertMany: (entries: readonly RequestLogEntry[]) => void;
  private readonly atOf: BetterSqlite3.Statement;

  constructor(file: string) {
    // Loaded here: better-sqlite3 is an optional dependency, needed only when the log is on.
    const Sqlite = require('better-sqlite3') as typeof BetterSqlite3;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Sqlite(file);
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    const columns = new Set((this.db.prepare('PRAGMA table_info(requests)').all() as Array<{ name: string }>).map((column) => column.name));
    for (const column of ADDED_COLUMNS) if (!columns.has(column.split(' ')[0])) this.db.exec(`ALTER TABLE requests ADD COLUMN ${column}`);
    this.db.exec(ENTRY_ID_INDEX);
    this.insertRow = this.db.prepare(
      `INSERT OR IGNORE INTO requests (request_id, at, method, route, status, client_closed, duration_ms, ttft_ms, caller_kind, caller, model_asked, model_used, stream, account, attempts, input_tokens, output_tokens, cached_tokens, credits, error_kind, error_message, entry_id, instance, dump)
       VALUES (@requestId, @at, @method, @route, @status, @clientClosed, @durationMs, @ttftMs, @callerKind, @caller, @modelAsked, @modelUsed, @stream, @account, @attempts, @inputTokens, @outputTokens, @cachedTokens, @credits, @errorKind, @errorMessage, @entryId, @instance, @dump)`,
    );
    this.atOf = this.db.prepare('SELECT at FROM requests WHERE seq = ?');
    this.insertMany = this.db.transaction((entries: readonly RequestLogEntry[]) => {
      for (const entry of entries) {
        this.insertRow.run({
          ...entry,
          clientClosed: entry.clientClosed ? 1 : 0,
          stream: entry.stream === null ? null : entry.stream ? 1 : 0,
          attempts: JSON.stringify(entry.attempts),
          entryId: entry.entryId ?? null,
          instance: entry.instance ?? null,
          dump: entry.dump ?? null,
        });
      }
    });
  }

  insert(entries: readonly RequestLogEntry[]): void {
    if (entries.length > 0) this.insertMany(entries);
  }

  list(query: RequestLogQuery): StoredRequestLogEntry[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: Math.min(MAX_PAGE, Math.max(1, Math.floor(query.limit))) };
    if (query.before !== undefined) {
      // The next page: after the entry numbered `before` in the log's order. Pruned meanwhile, its
      // place is unknown and the page is what was stored before it.
      const cursor = this.atOf.get(query.before) as { at: number } | undefined;
      where.push(cursor ? '(at, seq) < (@beforeAt, @before)' : 'seq < @before');
      params.before = query.before;
      if (cursor) params.beforeAt = cursor.at;
    }
    if (query.outcome === 'error') where.push('(status >= 400 OR error_kind IS NOT NULL)');
    if (query.outcome === 'ok') where.push('(status < 400 AND error_kind IS NULL)');
    for (const [field, column] of [['account', 'account'], ['caller', 'caller'], ['route', 'route'], ['errorKind', 'error_kind']] as const) {
      const value = query[field];
      if (value !== undefined) {
        where.push(`${column} = @${field}`);
        params[field] = value;
      }
    }
    if (query.model !== undefined) {
      where.push('(model_asked = @model OR model_used = @model)');
      params.model = query.model;
    }
    const sql = `SELECT * FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${NEWEST_FIRST} LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(fromRow);
  }

  get(seq: number): StoredRequestLogEntry | undefined {
    const row = this.db.prepare('SELECT * FROM requests WHERE seq = ?').get(seq) as Row | undefined;
    return row && fromRow(row);
  }

  /** By its id: the same entry on every replica (its `seq` is each replica's own). */
  byEntryId(entryId: string): StoredRequestLogEntry | undefined {
    const row = this.db.prepare('SELECT * FROM requests WHERE entry_id = ?').get(entryId) as Row | undefined;
    return row && fromRow(row);
  }

  overview(window: 'hour' | 'day', now: number): RequestLogOverview {
    // 60 bars an hour (a minute each), 48 a day (half an hour each), aligned to the bucket.
    const bucketMs = window === 'hour' ? 60_000 : 1_800_000;
    const count = window === 'hour' ? 60 : 48;
    const from = Math.floor(now / bucketMs) * bucketMs - (count - 1) * bucketMs;
    const buckets: OverviewBucket[] = Array.from({ length: count }, (_, i) => ({
      at: from + i * bucketMs,
      requests: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: 0,
      credits: 0,
      ttftP50Ms: null,
      ttftP95Ms: null,
    }));
    const sums = this.db
      .prepare(
        `SELECT CAST((at - @from) / @bucketMs AS INTEGER) AS b, count(*) AS requests, sum(status >= 400 OR error_kind IS NOT NULL) AS errors,
                total(input_tokens) AS inputTokens, total(output_tokens) AS outputTokens, total(cached_tokens) AS cachedTokens, total(credits) AS credits
         FROM requests WHERE at >= @from GROUP BY b`,
      )
      .all({ from, bucketMs }) as Array<{ b: number; requests: number; errors: number; inputTokens: number; outputTokens: number; cachedTokens: number; credits: number }>;
    for (const { b, ...sum } of sums) if (b >= 0 && b < count) Object.assign(buckets[b], sum);
    // Sorted by SQLite; one pass picks each bucket's percentiles and the window's.
    const ttfts = this.db.prepare('SELECT CAST((at - @from) / @bucketMs AS INTEGER) AS b, ttft_ms AS ttft FROM requests WHERE at >= @from AND ttft_ms IS NOT NULL ORDER BY b, ttft_ms').all({ from, bucketMs }) as Array<{ b: number; ttft: number }>;
    const all: number[] = [];
    let start = 0;
    for (let i = 1; i <= ttfts.length; i++) {
      if (i < ttfts.length && ttfts[i].b === ttfts[start].b) continue;
      const values = ttfts.slice(start, i).map((row) => row.ttft);
      const bucket = buckets[ttfts[start].b];
      if (bucket) {
        bucket.ttftP50Ms = percentile(values, 50);
        bucket.ttftP95Ms = percentile(values, 95);
      }
      for (const value of values) all.push(value);
      start = i;
    }
    all.sort((a, b) => a - b);
    const kinds = this.db.prepare('SELECT error_kind AS kind, count(*) AS n FROM requests WHERE at >= @from AND error_kind IS NOT NULL GROUP BY error_kind ORDER BY n DESC').all({ from }) as Array<{ kind: string; n: number }>;
    const total = (field: 'requests' | 'errors' | 'inputTokens' | 'outputTokens' | 'cachedTokens' | 'credits') => buckets.reduce((sum, bucket) => sum + bucket[field], 0);
    return {
      window,
      from,
      bucketMs,
      buckets,
      errorsByKind: Object.fromEntries(kinds.map(({ kind, n }) => [kind, n])),
      totals: {
        requests: total('requests'),
        errors: total('errors'),
        inputTokens: total('inputTokens'),
        outputTokens: total('outputTokens'),
        cachedTokens: total('cachedTokens'),
        credits: Math.round(total('credits') * 1e4) / 1e4,
        ttftP50Ms: percentile(all, 50),
        ttftP95Ms: percentile(all, 95),
      },
    };
  }

  prune(olderThan: number, maxRows: number): number {
    const byAge = this.db.prepare('DELETE FROM requests WHERE at < ?').run(olderThan).changes;
    // The oldest in the log's order go: an old entry replayed from another replica is not kept over newer ones.
    const bySize = this.db.prepare(`DELETE FROM requests WHERE (at, seq) <= (SELECT at, seq FROM requests ${NEWEST_FIRST} LIMIT 1 OFFSET ?)`).run(maxRows).changes;
    return byAge + bySize;
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(row: Row): StoredRequestLogEntry {
  return {
    seq: row.seq,
    requestId: row.request_id,
    at: row.at,
    method: row.method,
    route: row.route,
    status: row.status,
    clientClosed: row.client_closed === 1,
    durationMs: row.duration_ms,
    ttftMs: row.ttft_ms,
    callerKind: row.caller_kind as StoredRequestLogEntry['callerKind'],
    caller: row.caller,
    modelAsked: row.model_asked,
    modelUsed: row.model_used,
    stream: row.stream === null ? null : row.stream === 1,
    account: row.account,
    attempts: JSON.parse(row.attempts) as string[],
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cachedTokens: row.cached_tokens,
    credits: row.credits,
    errorKind: row.error_kind,
    errorMessage: row.error_message,
    ...(row.entry_id !== null ? { entryId: row.entry_id } : {}),
    ...(row.instance !== null ? { instance: row.instance } : {}),
    ...(row.dump !== null ? { dump: row.dump } : {}),
  };
}
