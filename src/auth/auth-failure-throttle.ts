import { LruMap } from '../common/lru-map';

interface Failures {
  count: number;
  last: number;
  blockedUntil: number;
}

/** Addresses remembered at most; the least recently seen are forgotten first. */
const MAX_ADDRESSES = 10_000;
/** Failures older than this are forgotten. */
const FORGET_AFTER_MS = 15 * 60 * 1000;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 15 * 60 * 1000;

/**
 * Failed key attempts per client address, with exponential back-off once there were `limit` of
 * them: 1 s, 2 s, 4 s… up to 15 minutes, during which the address gets 429 whatever it sends
 * (a correct key included, or the back-off would only slow down wrong guesses, not stop them).
 * A success forgets the address. Memory is bounded (an LRU of addresses).
 */
export class AuthFailureThrottle {
  private readonly addresses = new LruMap<string, Failures>(MAX_ADDRESSES);

  constructor(
    /** Failures before the back-off starts; 0 turns it off. */
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  /** Seconds the address must still wait, or undefined when it may try. */
  retryAfterSeconds(address: string): number | undefined {
    const entry = this.addresses.get(address);
    const wait = entry ? entry.blockedUntil - this.now() : 0;
    return wait > 0 ? Math.ceil(wait / 1000) : undefined;
  }

  recordFailure(address: string): void {
    if (this.limit <= 0) return;
    const now = this.now();
    const previous = this.addresses.get(address);
    const entry: Failures = previous && now - previous.last <= FORGET_AFTER_MS ? previous : { count: 0, last: now, blockedUntil: 0 };
    entry.count++;
    entry.last = now;
    if (entry.count >= this.limit) {
      entry.blockedUntil = now + Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(30, entry.count - this.limit));
    }
    this.addresses.set(address, entry);
  }

  recordSuccess(address: string): void {
    this.addresses.delete(address);
  }
}
