import { GatewayError } from '../common/errors';
import type { Clock } from '../common/clock';
import type { ConversationMessage, ResponseObject } from '../converter';

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
    super(`Stored responses are unavailable right now: ${detail}`, { kind: 'unavailable', code: 'store_unavailable', retryable: true });
  }
}

/** How long a stored response can be read or continued. */
export const RESPONSE_TTL_MS = 60 * 60 * 1000;

/**
 * Responses kept for `previous_response_id` and `GET /v1/responses/{id}` for an hour: in Redis
 * when REDIS_URL is set (any replica can continue a conversation), else in memory. `store: false`
 * responses are never put here.
 */
export interface ResponseStore {
  put(value: StoredResponse): Promise<void>;
  /** The response if it exists, has not expired, and belongs to `owner`. */
  get(id: string, owner: string): Promise<StoredResponse | undefined>;
}

export const ResponseStore = Symbol('ResponseStore');

const MAX_ENTRIES = 1_000;
/** Conversations carry images: memory mode keeps at most this many bytes of them. */
const MAX_BYTES = 64 * 1024 * 1024;

/** One process's responses, bounded in entries and bytes (least recently stored first out). */
export class MemoryResponseStore implements ResponseStore {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();
  private bytes = 0;

  constructor(private readonly clock: Clock) {}

  async put(value: StoredResponse): Promise<void> {
    const json = JSON.stringify(value);
    const id = value.response.id;
    this.remove(id);
    this.entries.set(id, { json, expiresAt: this.clock.now() + RESPONSE_TTL_MS });
    this.bytes += json.length;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.remove(key);
    }
  }

  async get(id: string, owner: string): Promise<StoredResponse | undefined> {
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt <= this.clock.now()) {
      this.remove(id);
      return undefined;
    }
    return entry && parseStored(entry.json, id, owner);
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.bytes -= entry.json.length;
    this.entries.delete(id);
  }
}

/** A stored response read back: corrupt is an error, someone else's is not there. */
export function parseStored(json: string, id: string, owner: string): StoredResponse | undefined {
  let value: StoredResponse;
  try {
    value = JSON.parse(json) as StoredResponse;
  } catch {
    throw new ResponseStoreError(`response ${id} is stored corrupt`);
  }
  return value.owner === owner ? value : undefined;
}
