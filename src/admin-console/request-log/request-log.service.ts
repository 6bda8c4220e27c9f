import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { gatewayConfig, type GatewayConfig } from '../../config/gateway.config';
import { RedisConnection } from '../../redis/redis.module';
import type { RequestLogEntry, RequestLogOverview, RequestLogQuery, StoredRequestLogEntry } from './request-log-entry';
import type { RequestLogSink } from './request-log-sink';
import { RequestLogStream } from './request-log-stream';
import { RequestLogWriter } from './request-log-writer';
import { WorkerRequestLogStore } from './worker-request-log-store';

/** Entries are written at most this long after the request ended. */
const FLUSH_MS = 250;
/** A store this far behind loses entries rather than memory. */
const MAX_QUEUED = 5_000;
const PRUNE_EVERY_MS = 60_000;
/** With Redis: own entries are appended every quarter second, others' read every second. */
const PUBLISH_EVERY_MS = 250;
const POLL_EVERY_MS = 1_000;

/**
 * The admin console's request log: kept only with ADMIN_API_KEY and REQUEST_LOG_FILE (not
 * `off`), in SQLite on its own worker thread. A database that cannot be opened (better-sqlite3
 * not installed, a directory that cannot be written) turns the log off with one warning; the
 * gateway serves on. With REDIS_URL each replica also shares its entries through a capped Redis
 * stream and reads the others' into its own log (RequestLogStream), so any replica shows all.
 */
@Injectable()
export class RequestLogService implements RequestLogSink, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RequestLog');
  private store: WorkerRequestLogStore | undefined;
  private writer: RequestLogWriter | undefined;
  private stream: RequestLogStream | undefined;
  private reportedWriteFailure = false;
  private lastStreamWarning = -Infinity;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Optional() @Inject(RedisConnection) private readonly redis?: Redis | null,
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
    if (this.redis) this.startStream(this.redis);
  }

  private startStream(redis: Redis): void {
    const { requestLog } = this.config.admin;
    this.stream = new RequestLogStream(redis, {
      instance: this.config.instance,
      maxLength: requestLog.streamMaxLength,
      publishEveryMs: PUBLISH_EVERY_MS,
      pollEveryMs: POLL_EVERY_MS,
      maxOutbox: MAX_QUEUED,
      readCount: 500,
      // At most 2,000 a second: the writer (5,000 waiting at most, written every 250 ms) keeps up with a backlog.
      maxReadsPerPoll: 4,
      onEntries: (entries) => {
        const oldest = this.clock.now() - requestLog.retentionMs;
        for (const entry of entries) if (entry.at >= oldest) this.writer?.record(entry);
      },
      onError: (err) => {
        // Once a minute while Redis fails: the Redis module already says it is down.
        if (this.clock.now() - this.lastStreamWarning < 60_000) return;
        this.lastStreamWarning = this.clock.now();
        this.logger.warn(`The request log is not shared with the other replicas right now (${err.message})`);
      },
    });
    this.stream.start();
  }

  get enabled(): boolean {
    return this.writer !== undefined;
  }

  /** Entries lost to a full queue or a failed write. */
  get dropped(): number {
    return this.writer?.dropped ?? 0;
  }

  record(entry: RequestLogEntry): void {
    if (!this.writer) return;
    const logged: RequestLogEntry = { ...entry, entryId: randomUUID(), instance: this.config.instance };
    this.writer.record(logged);
    this.stream?.publish(logged);
  }

  /** Own entries that never reached the shared stream (Redis down or behind). */
  get notShared(): number {
    return this.stream?.dropped ?? 0;
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

  async byEntryId(entryId: string): Promise<StoredRequestLogEntry | undefined> {
    if (!this.store) return undefined;
    await this.writer!.flush();
    return this.store.byEntryId(entryId);
  }

  async overview(window: 'hour' | 'day'): Promise<RequestLogOverview | undefined> {
    if (!this.store) return undefined;
    await this.writer!.flush();
    return this.store.overview(window, this.clock.now());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stream?.stop();
    await this.writer?.close();
  }
}
