import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { Clock } from '../common/clock';
import { RedisConnection } from '../redis/redis.module';
import type { ConversationMessage, ResponseObject } from '../converter';

export interface StoredResponse {
  response: ResponseObject;
  /** The whole conversation up to and including this response's answer. */
  messages: ConversationMessage[];
}

const MAX_ENTRIES = 1_000;
const TTL_MS = 60 * 60 * 1000;

/**
 * Responses kept for `previous_response_id` and `GET /v1/responses/{id}` for an hour: in Redis
 * when REDIS_URL is set (any replica can continue a conversation), else in memory, bounded (LRU).
 * `store: false` responses are never put here.
 */
@Injectable()
export class ResponseStore {
  private readonly entries = new Map<string, { value: StoredResponse; expiresAt: number }>();

  constructor(
    @Inject(Clock) private readonly clock: Clock,
    @Inject(RedisConnection) private readonly redis: Redis | null,
  ) {}

  async put(value: StoredResponse): Promise<void> {
    if (this.redis) {
      await this.redis.set(`kiro-gateway:response:${value.response.id}`, JSON.stringify(value), 'PX', TTL_MS);
      return;
    }
    this.entries.delete(value.response.id);
    this.entries.set(value.response.id, { value, expiresAt: this.clock.now() + TTL_MS });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    if (this.redis) {
      const raw = await this.redis.get(`kiro-gateway:response:${id}`);
      return raw ? (JSON.parse(raw) as StoredResponse) : undefined;
    }
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.value;
  }
}
