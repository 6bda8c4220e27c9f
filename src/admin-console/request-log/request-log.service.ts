import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { gatewayConfig, type GatewayConfig } from '../../config/gateway.config';
import type { RequestLogEntry, RequestLogOverview, RequestLogQuery, StoredRequestLogEntry } from './request-log-entry';
import type { RequestLogSink } from './request-log-sink';
import { SqliteRequestLogStore } from './request-log-store';
import { RequestLogWriter } from './request-log-writer';

/** Entries are written at most this long after the request ended. */
const FLUSH_MS = 250;
/** A store this far behind loses entries rather than memory. */
const MAX_QUEUED = 5_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * The admin console's request log: kept only with ADMIN_API_KEY and REQUEST_LOG_FILE (not
 * `off`), in SQLite. A database that cannot be opened (better-sqlite3 not installed, a
 * directory that cannot be written) turns the log off with one warning; the gateway serves on.
 * Each replica keeps its own log (sharing through Redis is not built yet).
 */
@Injectable()
export class RequestLogService implements RequestLogSink, OnApplicationShutdown {
  private readonly logger = new Logger('RequestLog');
  private readonly store: SqliteRequestLogStore | undefined;
  private readonly writer: RequestLogWriter | undefined;
  private reportedWriteFailure = false;

  constructor(@Inject(gatewayConfig.KEY) config: GatewayConfig, @Inject(Clock) private readonly clock: Clock) {
    const { apiKey, requestLog } = config.admin;
    if (!apiKey || !requestLog.file) return;
    try {
      this.store = new SqliteRequestLogStore(requestLog.file);
    } catch (err) {
      this.logger.warn(`The request log is off: ${requestLog.file} cannot be opened (${(err as Error).message})`);
      return;
    }
    this.writer = new RequestLogWriter(this.store, {
      flushMs: FLUSH_MS,
      maxQueued: MAX_QUEUED,
      retentionMs: requestLog.retentionMs,
      maxRows: requestLog.maxRows,
      pruneEveryMs: PRUNE_EVERY_MS,
      now: () => clock.now(),
      onError: (err) => {
        if (this.reportedWriteFailure) return;
        this.reportedWriteFailure = true;
        this.logger.warn(`The request log could not be written (${err.message}); entries are dropped until it can`);
      },
    });
  }

  get enabled(): boolean {
    return this.writer !== undefined;
  }

  /** Entries lost to a full queue or a failed write. */
  get dropped(): number {
    return this.writer?.dropped ?? 0;
  }

  record(entry: RequestLogEntry): void {
    this.writer?.record(entry);
  }

  list(query: RequestLogQuery): StoredRequestLogEntry[] {
    if (!this.store) return [];
    this.writer!.flush();
    return this.store.list(query);
  }

  get(seq: number): StoredRequestLogEntry | undefined {
    if (!this.store) return undefined;
    this.writer!.flush();
    return this.store.get(seq);
  }

  overview(window: 'hour' | 'day'): RequestLogOverview | undefined {
    if (!this.store) return undefined;
    this.writer!.flush();
    return this.store.overview(window, this.clock.now());
  }

  onApplicationShutdown(): void {
    this.writer?.close();
  }
}
