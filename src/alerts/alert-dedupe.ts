import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { Alert } from './alert';

/** What "once per interval" counts: the kind, the subject and the variant (alert.ts). */
export type AlertIdentity = Pick<Alert, 'kind' | 'subject' | 'variant'>;

/** "Has this (kind, subject, variant) been sent within the interval?" — claimed by whoever sends it. */
export interface AlertDedupe {
  /** True when the caller may send now (and nobody else may until `ttlMs` has passed). */
  claim(alert: AlertIdentity, ttlMs: number): Promise<boolean>;
}

/** Subject and variant as one string, NUL-joined as the local key joins the kind. */
function subjectKey({ subject, variant }: AlertIdentity): string {
  return variant === undefined ? subject : `${subject}\u0000${variant}`;
}

/**
 * One process's memory of what it sent: at most `capacity` (kind, subject, variant) triples; when full, the
 * expired ones go first, then the oldest (which can then repeat early: bounded beats exact).
 */
export class LocalAlertDedupe implements AlertDedupe {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly capacity = 10_000,
  ) {}

  claim(alert: AlertIdentity, ttlMs: number): Promise<boolean> {
    return Promise.resolve(this.claimNow(`${alert.kind}\u0000${subjectKey(alert)}`, ttlMs));
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

  async claim(alert: AlertIdentity, ttlMs: number): Promise<boolean> {
    // Hashed: subjects are names, and a key of bounded length whatever the name.
    const key = `${PREFIX}${alert.kind}:${createHash('sha256').update(subjectKey(alert)).digest('base64url').slice(0, 22)}`;
    try {
      return (await this.redis.set(key, this.instance, 'PX', ttlMs, 'NX')) === 'OK';
    } catch {
      return this.local.claim(alert, ttlMs);
    }
  }
}
