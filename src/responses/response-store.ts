import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Clock } from '../common/clock';
import { GatewayError } from '../common/errors';
import type { ConversationMessage, ResponseObject } from '../converter';
import { RedisConnection } from '../redis/redis.module';

export interface StoredResponse {
  response: ResponseObject;
  /** The whole conversation up to and including this response's answer. */
  messages: ConversationMessage[];
  /** Who created it (`gateway` or a tenant hash): nobody else may read or continue it. */
  owner: string;
}

/** The store could not be read or written. */
export class ResponseStoreError extends GatewayError {
  constructor(detail: string) {
    super(`Stored responses are unavailable right now: ${detail}`, { status: 503, type: 'server_error', code: 'store_unavailable', retryable: true });
  }
}

const TTL_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 1_000;
/** Conversations carry images: memory mode keeps at most this many bytes of them. */
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * Responses kept for `previous_response_id` and `GET /v1/responses/{id}` for an hour: in Redis
 * when REDIS_URL is set (any replica can continue a conversation), else in memory, bounded in
 * entries and bytes (least recently used first out). `store: false` responses are never put here.
 */
@Injectable()
export class ResponseStore {
  private readonly entries = new Map<string, { json: string; owner: string; expiresAt: number }>();
  private bytes = 0;

  constructor(
    @Inject(Clock) private readonly clock: Clock,
    @Inject(RedisConnection) private readonly redis: Redis | null,
  ) {}

  async put(value: StoredResponse): Promise<void> {
    const json = JSON.stringify(value);
    const id = value.response.id;
    if (this.redis) {
      await this.redis.set(`kiro-gateway:response:${id}`, json, 'PX', TTL_MS);
      return;
    }
    this.remove(id);
    this.entries.set(id, { json, owner: value.owner, expiresAt: this.clock.now() + TTL_MS });
    this.bytes += json.length;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.remove(key);
    }
  }

  /** The response if it exists, has not expired, and belongs to `owner`. */
  async get(id: string, owner: string): Promise<StoredResponse | undefined> {
    let json: string | undefined;
    if (this.redis) {
      try {
        json = (await this.redis.get(`kiro-gateway:response:${id}`)) ?? undefined;
      } catch (err) {
        throw new ResponseStoreError((err as Error).message);
      }
    } else {
      const entry = this.entries.get(id);
      if (entry && entry.expiresAt <= this.clock.now()) this.remove(id);
      else json = entry?.json;
    }
    if (json === undefined) return undefined;
    let value: StoredResponse;
    try {
      value = JSON.parse(json) as StoredResponse;
    } catch {
      throw new ResponseStoreError(`response ${id} is stored corrupt`);
    }
    return value.owner === owner ? value : undefined;
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.bytes -= entry.json.length;
    this.entries.delete(id);
  }
}
