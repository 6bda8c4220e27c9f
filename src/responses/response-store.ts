import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { ConversationMessage, ResponseObject } from '../converter';

export interface StoredResponse {
  response: ResponseObject;
  /** The whole conversation up to and including this response's answer. */
  messages: ConversationMessage[];
}

const MAX_ENTRIES = 1_000;
const TTL_MS = 60 * 60 * 1000;

/**
 * Responses kept for `previous_response_id` and `GET /v1/responses/{id}`: bounded (LRU) and for
 * an hour, in memory. `store: false` responses are never put here.
 */
@Injectable()
export class ResponseStore {
  private readonly entries = new Map<string, { value: StoredResponse; expiresAt: number }>();

  constructor(@Inject(Clock) private readonly clock: Clock) {}

  put(value: StoredResponse): void {
    this.entries.delete(value.response.id);
    this.entries.set(value.response.id, { value, expiresAt: this.clock.now() + TTL_MS });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(id: string): StoredResponse | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.value;
  }
}
