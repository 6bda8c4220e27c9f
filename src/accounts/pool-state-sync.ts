import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { RedisConnection } from '../redis/redis.module';
import { type AccountState, currentState, sameState } from './account-health';

/** What the sync needs of the pool. */
export interface SyncablePool {
  list(): ReadonlyArray<{ readonly name: string; readonly inFlight: number; remoteInFlight: number; readonly state: AccountState }>;
  get(name: string): { readonly state: AccountState } | undefined;
  setState(name: string, state: AccountState): void;
  hasPin(key: string): boolean;
  pin(key: string, name: string): void;
}

const PREFIX = 'kiro-gateway:pool:';
/** How often a replica shares its in-flight counts and adopts the others' states. */
const SYNC_MS = 500;
/** A replica that stopped syncing no longer counts. */
const REPLICA_TTL_MS = 3_000;

interface SharedState {
  state: AccountState;
  /** Epoch ms of the change: the newer one wins. */
  at: number;
}

/**
 * With REDIS_URL, the pool is one across replicas: account states (cooldowns and disablements),
 * affinity pins and approximate in-flight counts are shared. Refresh locks are per account
 * already (SharedTokenStore, keyed by the account's refresh token). Redis never sits on a
 * request's path except one pin read for a conversation this replica has not seen; when Redis is
 * down, each replica goes on with its own view.
 */
@Injectable()
export class PoolStateSync {
  private readonly logger = new Logger('Accounts');
  private readonly replica = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private pool: SyncablePool | undefined;
  /** When this replica last changed each account's state: remote changes older than it are not adopted. */
  private readonly localChanges = new Map<string, number>();
  private adopting = false;
  private lastWarning = 0;

  constructor(
    @Optional() @Inject(RedisConnection) private readonly redis: Redis | null,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return Boolean(this.redis);
  }

  async start(pool: SyncablePool, known: (name: string) => boolean): Promise<void> {
    if (!this.redis) return;
    this.pool = pool;
    await this.tick(known).catch((err: unknown) => this.warn(err));
    const loop = () => {
      this.timer = setTimeout(() => {
        this.tick(known).catch((err: unknown) => this.warn(err)).finally(() => {
          if (this.timer) loop();
        });
      }, SYNC_MS).unref();
    };
    loop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  publishState(name: string, state: AccountState): void {
    if (!this.redis || this.adopting) return;
    const at = this.clock.now();
    this.localChanges.set(name, at);
    const shared: SharedState = { state, at };
    this.redis.hset(`${PREFIX}state`, name, JSON.stringify(shared)).catch((err: unknown) => this.warn(err));
  }

  /** The pin another replica made for this conversation, if this one has none. */
  async loadPin(pool: SyncablePool, key: string): Promise<void> {
    if (!this.redis || pool.hasPin(key)) return;
    try {
      const name = await this.redis.get(`${PREFIX}pin:${key}`);
      if (name && pool.get(name)) pool.pin(key, name);
    } catch (err) {
      this.warn(err);
    }
  }

  savePin(key: string, name: string, ttlMs: number): void {
    this.redis?.set(`${PREFIX}pin:${key}`, name, 'PX', ttlMs).catch((err: unknown) => this.warn(err));
  }

  private async tick(known: (name: string) => boolean): Promise<void> {
    const redis = this.redis as Redis;
    const pool = this.pool as SyncablePool;
    const now = this.clock.now();
    const counts: Record<string, number> = {};
    for (const account of pool.list()) counts[account.name] = account.inFlight;
    const results = await redis
      .multi()
      .set(`${PREFIX}inflight:${this.replica}`, JSON.stringify(counts), 'PX', REPLICA_TTL_MS)
      .zadd(`${PREFIX}replicas`, String(now), this.replica)
      .zremrangebyscore(`${PREFIX}replicas`, '0', String(now - REPLICA_TTL_MS))
      .zrange(`${PREFIX}replicas`, '0', '-1')
      .hgetall(`${PREFIX}state`)
      .exec();
    if (!results) return;
    const replicas = (results[3][1] as string[]).filter((id) => id !== this.replica);
    const states = results[4][1] as Record<string, string>;
    const remote = new Map<string, number>();
    if (replicas.length > 0) {
      const values = await redis.mget(replicas.map((id) => `${PREFIX}inflight:${id}`));
      for (const value of values) {
        if (!value) continue;
        for (const [name, count] of Object.entries(JSON.parse(value) as Record<string, number>)) remote.set(name, (remote.get(name) ?? 0) + (Number(count) || 0));
      }
    }
    for (const account of pool.list()) account.remoteInFlight = remote.get(account.name) ?? 0;
    this.adopt(pool, states, known, now);
  }

  /** Adopts the states other replicas set after this one's last change of each account. */
  private adopt(pool: SyncablePool, states: Record<string, string>, known: (name: string) => boolean, now: number): void {
    for (const [name, raw] of Object.entries(states)) {
      if (!known(name)) continue;
      let shared: SharedState;
      try {
        shared = JSON.parse(raw) as SharedState;
      } catch {
        continue;
      }
      const account = pool.get(name);
      if (!account || shared.at <= (this.localChanges.get(name) ?? 0)) continue;
      const state = currentState(shared.state, now);
      if (sameState(currentState(account.state, now), state)) continue;
      this.adopting = true;
      try {
        pool.setState(name, state);
        this.localChanges.set(name, shared.at);
      } finally {
        this.adopting = false;
      }
    }
  }

  private warn(err: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(`Could not share the account pool through Redis; going on with this replica's view: ${(err as Error).message}`);
  }
}
