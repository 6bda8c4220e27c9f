import type Redis from 'ioredis';
import type { RequestLogEntry } from './request-log-entry';

/** The stream every replica appends its entries to and reads the others' from. */
export const REQUEST_LOG_STREAM = 'kiro-gateway:request-log';

export interface RequestLogStreamOptions {
  instance: string;
  /** XADD MAXLEN ~: the stream keeps about this many entries (the newest). */
  maxLength: number;
  /** Own entries are appended this often, as one pipeline. */
  publishEveryMs: number;
  /** Others' entries are read this often (never a blocking read: the connection is shared). */
  pollEveryMs: number;
  /** Own entries waiting for Redis past this are dropped (and counted): an outage costs entries, not memory. */
  maxOutbox: number;
  /** Entries read per XREAD, and the most XREADs per poll (a backlog is caught up over several polls). */
  readCount: number;
  maxReadsPerPoll: number;
  /** Others' entries, to be written into this replica's own log (which keeps each entry once, by its id). */
  onEntries: (entries: RequestLogEntry[]) => void;
  /** A failed Redis call: the owner logs it (rarely); nothing is retried but by the next tick. */
  onError: (error: Error) => void;
}

const ENTRY_FIELDS: ReadonlyArray<keyof RequestLogEntry> = [
  'requestId', 'at', 'method', 'route', 'status', 'clientClosed', 'durationMs', 'ttftMs', 'callerKind', 'caller', 'modelAsked', 'modelUsed', 'stream', 'account',
  'attempts', 'inputTokens', 'outputTokens', 'cachedTokens', 'credits', 'errorKind', 'errorMessage', 'entryId', 'instance', 'dump',
];

const OPTIONAL_FIELDS = new Set<keyof RequestLogEntry>(['dump']);

type StreamReply = Array<[string, Array<[string, string[]]>]> | null;

/**
 * The request log across replicas (REDIS_URL): each replica keeps its own SQLite log as the
 * query engine, appends its entries to one capped Redis stream, and reads the others' entries
 * from it into that log. Redis is off every request's path: `publish` only queues, both
 * directions run on timers, a failing Redis costs entries (counted), and the queue is bounded.
 */
export class RequestLogStream {
  private outbox: RequestLogEntry[] = [];
  private lastId = '0-0';
  private publishTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private publishing = false;
  private polling = false;
  /** Own entries that never reached Redis (outbox full, or the XADD failed). */
  dropped = 0;
  /** Entries of other replicas read so far. */
  received = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: RequestLogStreamOptions,
  ) {}

  start(): void {
    this.publishTimer = setInterval(() => void this.flush(), this.options.publishEveryMs);
    this.publishTimer.unref();
    this.pollTimer = setInterval(() => void this.poll(), this.options.pollEveryMs);
    this.pollTimer.unref();
    void this.poll();
  }

  publish(entry: RequestLogEntry): void {
    if (this.outbox.length >= this.options.maxOutbox) {
      this.dropped++;
      return;
    }
    this.outbox.push(entry);
  }

  get pending(): number {
    return this.outbox.length;
  }

  /** Appends what is queued, one pipeline; a failed batch is dropped (the entries stay in this replica's log). */
  async flush(): Promise<void> {
    if (this.publishing || this.outbox.length === 0) return;
    this.publishing = true;
    const batch = this.outbox;
    this.outbox = [];
    try {
      const pipeline = this.redis.pipeline();
      for (const entry of batch) pipeline.xadd(REQUEST_LOG_STREAM, 'MAXLEN', '~', this.options.maxLength, '*', 'e', JSON.stringify(entry));
      const results = (await pipeline.exec()) ?? [];
      const failed = results.filter(([err]) => err).length + (batch.length - results.length);
      this.dropped += failed;
      const error = results.find(([err]) => err)?.[0];
      if (error) this.options.onError(error);
    } catch (err) {
      this.dropped += batch.length;
      this.options.onError(err as Error);
    } finally {
      this.publishing = false;
    }
  }

  /** Reads what others appended since the last read (from the stream's start at first: its capped backlog). */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (let reads = 0; reads < this.options.maxReadsPerPoll; reads++) {
        const reply = (await this.redis.xread('COUNT', this.options.readCount, 'STREAMS', REQUEST_LOG_STREAM, this.lastId)) as StreamReply;
        const messages = reply?.[0]?.[1] ?? [];
        if (messages.length === 0) break;
        this.lastId = messages[messages.length - 1][0];
        const entries = messages.map(([, fields]) => parseEntry(fields)).filter((entry): entry is RequestLogEntry => entry !== undefined && entry.instance !== this.options.instance);
        this.received += entries.length;
        if (entries.length > 0) this.options.onEntries(entries);
        if (messages.length < this.options.readCount) break;
      }
    } catch (err) {
      this.options.onError(err as Error);
    } finally {
      this.polling = false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.publishTimer);
    clearInterval(this.pollTimer);
    await this.flush();
  }
}

/** One stream message back into an entry; anything not shaped like one (another writer, a newer gateway) is skipped. */
export function parseEntry(fields: string[]): RequestLogEntry | undefined {
  const at = fields.indexOf('e');
  if (at < 0 || at % 2 !== 0) return undefined;
  try {
    const entry = JSON.parse(fields[at + 1]) as RequestLogEntry;
    const valid =
      typeof entry === 'object' && entry !== null && typeof entry.entryId === 'string' && typeof entry.instance === 'string' && typeof entry.requestId === 'string' &&
      typeof entry.at === 'number' && typeof entry.status === 'number' && typeof entry.route === 'string' && Array.isArray(entry.attempts);
    if (!valid) return undefined;
    // Only the fields an entry has, whatever else the message carried.
    const picked = Object.fromEntries(ENTRY_FIELDS.filter((name) => name in entry || !OPTIONAL_FIELDS.has(name)).map((name) => [name, entry[name] ?? null]));
    return picked as unknown as RequestLogEntry;
  } catch {
    return undefined;
  }
}
