import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { gatewayConfig, type GatewayConfig } from '../../config/gateway.config';
import type { RequestLogEntry, RequestLogOverview, RequestLogQuery, StoredRequestLogEntry } from './request-log-entry';
import type { RequestLogSink } from './request-log-sink';
import { RequestLogWriter } from './request-log-writer';
import { WorkerRequestLogStore } from './worker-request-log-store';

/** Entries are written at most this long after the request ended. */
const FLUSH_MS = 250;
/** A store this far behind loses entries rather than memory. */
const MAX_QUEUED = 5_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * The admin console's request log: kept only with ADMIN_API_KEY and REQUEST_LOG_FILE (not
 * `off`), in SQLite on its own worker thread. A database that cannot be opened (better-sqlite3
 * not installed, a directory that cannot be written) turns the log off with one warning; the
 * gateway serves on. Each replica keeps its own log (sharing through Redis is not built yet).
 */
@Injectable()
export class RequestLogService implements RequestLogSink, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RequestLog');
  private store: WorkerRequestLogStore | undefined;
  private writer: RequestLogWriter | undefined;
  private reportedWriteFailure = false;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const { apiKey, requestLog } = this.config.admin;
    if (!apiKey || !requestLog.file) return;
    const store = new WorkerRequestLogStore(requestLog.file);
    try {
      await store.ready;
    } catch (err) {
      this.logger.warn(`The request log is off: ${requestLog.file} cannot be opened (${(err as Error).message})`);
      await store.close().catch(() => undefined);
      return;
    }
    this.store = store;
    this.writer = new RequestLogWriter(store, {
      flushMs: FLUSH_MS,
      maxQueued: MAX_QUEUED,
      retentionMs: requestLog.retentionMs,
      maxRows: requestLog.maxRows,
      pruneEveryMs: PRUNE_EVERY_MS,
      now: () => this.clock.now(),
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

  async list(query: RequestLogQuery): Promise<StoredRequestLogEntry[]> {
    if (!this.store) return [];
    await this.writer!.flush();
    return this.store.list(query);
  }

  async get(seq: number): Promise<StoredRequestLogEntry | undefined> {
    if (!this.store) return undefined;
    await this.writer!.flush();
    return this.store.get(seq);
  }

  async overview(window: 'hour' | 'day'): Promise<RequestLogOverview | undefined> {
    if (!this.store) return undefined;
    await this.writer!.flush();
    return this.store.overview(window, this.clock.now());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer?.close();
  }
}
