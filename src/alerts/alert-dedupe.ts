import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { AlertKind } from './alert';

/** "Has this (kind, subject) been sent within the interval?" — claimed by whoever sends it. */
export interface AlertDedupe {
  /** True when the caller may send now (and nobody else may until `ttlMs` has passed). */
  claim(kind: AlertKind, subject: string, ttlMs: number): Promise<boolean>;
}

/**
 * One process's memory of what it sent: at most `capacity` (kind, subject) pairs; when full, the
 * expired ones go first, then the oldest (which can then repeat early: bounded beats exact).
 */
export class LocalAlertDedupe implements AlertDedupe {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly capacity = 10_000,
  ) {}

  claim(kind: AlertKind, subject: string, ttlMs: number): Promise<boolean> {
    return Promise.resolve(this.claimNow(`${kind}\u0000${subject}`, ttlMs));
  }

  get size(): number {
    return this.until.size;
  }

  private claimNow(key: string, ttlMs: number): boolean {
    const now = this.now();
    const until = this.until.get(key);
    if (until !== undefined && until > now) return false;
    this.until.delete(key);
    if (this.until.size >= this.capacity) {
      for (const [other, otherUntil] of this.until) if (otherUntil <= now) this.until.delete(other);
      while (this.until.size >= this.capacity) this.until.delete(this.until.keys().next().value as string);
    }
    this.until.set(key, now + ttlMs);
    return true;
  }
}

const PREFIX = 'kiro-gateway:alert:';

/**
 * Replicas agree through Redis: `SET key NX PX interval`, so of N replicas seeing one suspension
 * one sends it. Redis unreachable (or slow past REDIS_COMMAND_TIMEOUT): this process decides
 * alone, so an outage can repeat an alert across replicas but never swallow one.
 */
export class RedisAlertDedupe implements AlertDedupe {
  constructor(
    private readonly redis: Redis,
    private readonly local: LocalAlertDedupe,
    private readonly instance: string,
  ) {}

  async claim(kind: AlertKind, subject: string, ttlMs: number): Promise<boolean> {
    // Hashed: subjects are names, and a key of bounded length whatever the name.
    const key = `${PREFIX}${kind}:${createHash('sha256').update(subject).digest('base64url').slice(0, 22)}`;
    try {
      return (await this.redis.set(key, this.instance, 'PX', ttlMs, 'NX')) === 'OK';
    } catch {
      return this.local.claim(kind, subject, ttlMs);
    }
  }
}
