import type Redis from 'ioredis';
import type { SharedTokenState, SharedTokenStore } from '../auth/shared-token-store';

const PREFIX = 'kiro-gateway:';
/** Shared state outlives any access token; aliases follow rotations for a while after. */
const STATE_TTL_S = 7 * 24 * 3600;

/** Releases the lock only if this owner still holds it (not one that expired and was re-taken). */
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class RedisSharedTokenStore implements SharedTokenStore {
  constructor(private readonly redis: Redis) {}

  async resolveKey(refreshTokenHash: string): Promise<string> {
    return (await this.redis.get(`${PREFIX}alias:${refreshTokenHash}`)) ?? refreshTokenHash;
  }

  async read(key: string): Promise<SharedTokenState | undefined> {
    const raw = await this.redis.get(`${PREFIX}token:${key}`);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as SharedTokenState;
    } catch {
      return undefined;
    }
  }

  async write(key: string, state: SharedTokenState, aliasHash?: string): Promise<void> {
    const multi = this.redis.multi().set(`${PREFIX}token:${key}`, JSON.stringify(state), 'EX', STATE_TTL_S);
    if (aliasHash && aliasHash !== key) multi.set(`${PREFIX}alias:${aliasHash}`, key, 'EX', STATE_TTL_S);
    await multi.exec();
  }

  async tryLock(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${PREFIX}lock:${key}`, owner, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlock(key: string, owner: string): Promise<void> {
    await this.redis.eval(UNLOCK, 1, `${PREFIX}lock:${key}`, owner);
  }
}
