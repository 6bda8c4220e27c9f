import type Redis from 'ioredis';
import type { SpendCounterStore } from '../client-keys/spend-counter-store';

/** Adds and renews the TTL in one step, so a counter never outlives its period by more than the margin. */
const ADD = `local v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return v`;

/** Each key's credits and requests per UTC day and month, shared by every replica. */
export class RedisSpendCounterStore implements SpendCounterStore {
  constructor(private readonly redis: Redis) {}

  async add(counter: string, amount: number, ttlMs: number): Promise<number> {
    const total = (await this.redis.eval(ADD, 1, name(counter), String(amount), String(Math.ceil(ttlMs)))) as string;
    return Number(total);
  }

  async read(counters: readonly string[]): Promise<number[]> {
    if (counters.length === 0) return [];
    const values = await this.redis.mget(...counters.map(name));
    return values.map((value) => (value === null ? 0 : Number(value)));
  }
}

const name = (counter: string): string => `kiro-gateway:keys:${counter}`;
