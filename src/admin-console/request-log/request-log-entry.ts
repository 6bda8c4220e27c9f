/**
 * One request as the admin console's request log keeps it: what was asked, what served it and
 * what it cost. Never a body, a key or a token: the caller is a key's name or a tenant's hash.
 */
export interface RequestLogEntry {
  /** X-Request-ID (a client may send its own: not unique, so entries are numbered apart). */
  requestId: string;
  /** When the request arrived, epoch milliseconds. */
  at: number;
  method: string;
  /** The matched route's pattern (`/v1/chat/completions`), else the path. */
  route: string;
  status: number;
  /** The client left before the response ended. */
  clientClosed: boolean;
  durationMs: number;
  /** Time to Kiro's first content (text, reasoning or a tool call) from the request's arrival. */
  ttftMs: number | null;
  /**
   * Who called: `key` (a client key, by name; PROXY_API_KEY is `default`), `tenant`
   * (`KEY:REFRESH_TOKEN`, by a prefix of its token's hash) or `none` (refused before a key was checked).
   */
  callerKind: CallerKind;
  caller: string | null;
  modelAsked: string | null;
  /** The Kiro model that answered. */
  modelUsed: string | null;
  stream: boolean | null;
  /** The account that answered (the last one tried); null for a tenant's own login. */
  account: string | null;
  /** Every account asked, in order: failovers, retries and resumes. */
  attempts: string[];
  inputTokens: number | null;
  outputTokens: number | null;
  /** Of the input, what Kiro read from its prompt cache. */
  cachedTokens: number | null;
  /** Kiro credits (meteringEvent). */
  credits: number | null;
  /** The error's family-neutral kind (common/errors), for a refused or failed request. */
  errorKind: string | null;
  errorMessage: string | null;
  /**
   * Set by the log as it records the entry: a unique id (replicas share entries through Redis and
   * each keeps an entry once) and the replica that served it (GATEWAY_INSTANCE). Entries written
   * before they existed have neither.
   */
  entryId?: string;
  instance?: string;
  /** The debug dump of this request (its directory under DEBUG_DIR), when DEBUG_MODE wrote one. */
  dump?: string;
}

export type CallerKind = 'key' | 'tenant' | 'none';

/** A stored entry: numbered in the order written. */
export interface StoredRequestLogEntry extends RequestLogEntry {
  seq: number;
}

export interface RequestLogQuery {
  /** At most this many, newest first (1 to 500). */
  limit: number;
  /** The next page: the entries after the one with this seq in the log's order (arrival time, then seq). */
  before?: number;
  outcome?: 'ok' | 'error';
  account?: string;
  model?: string;
  caller?: string;
  route?: string;
  errorKind?: string;
}

/** The overview's charts: per time bucket, and the window's totals. */
export interface RequestLogOverview {
  window: 'hour' | 'day';
  from: number;
  bucketMs: number;
  buckets: OverviewBucket[];
  errorsByKind: Record<string, number>;
  totals: { requests: number; errors: number; inputTokens: number; outputTokens: number; cachedTokens: number; credits: number; ttftP50Ms: number | null; ttftP95Ms: number | null };
}

export interface OverviewBucket {
  /** The bucket's start, epoch milliseconds. */
  at: number;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  credits: number;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
}
