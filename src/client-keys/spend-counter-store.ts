/**
 * Where the replicas of a deployment add up each key's spend and requests: Redis (INCRBYFLOAT
 * with a TTL past the period's end). One process needs none: its own counts are the truth.
 */
export interface SpendCounterStore {
  /** Adds `amount` to the counter (kept `ttlMs` from now) and answers its new total. */
  add(counter: string, amount: number, ttlMs: number): Promise<number>;
  /** The counters' totals (0 for one that does not exist). */
  read(counters: readonly string[]): Promise<number[]>;
}

export const SpendCounterStore = Symbol('SpendCounterStore');
