import type Redis from 'ioredis';
import { parseStored, RESPONSE_TTL_MS, ResponseStoreError, type ResponseStore, type StoredResponse } from '../responses/response-store';

const PREFIX = 'kiro-gateway:response:';

/** Responses shared by every replica, expiring in Redis itself. */
export class RedisResponseStore implements ResponseStore {
  constructor(private readonly redis: Redis) {}

  async put(value: StoredResponse): Promise<void> {
    await this.redis.set(`${PREFIX}${value.response.id}`, JSON.stringify(value), 'PX', RESPONSE_TTL_MS);
  }

  async get(id: string, owner: string): Promise<StoredResponse | undefined> {
    let json: string | null;
    try {
      json = await this.redis.get(`${PREFIX}${id}`);
    } catch (err) {
      throw new ResponseStoreError((err as Error).message);
    }
    return json === null ? undefined : parseStored(json, id, owner);
  }
}
