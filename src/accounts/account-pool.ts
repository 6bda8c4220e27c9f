import { GatewayError } from '../common/errors';
import { LruMap } from '../common/lru-map';
import { type AccountState, type AccountVerdict, currentState, HEALTHY, nextState, sameState } from './account-health';
import { DecayingCounter, RoundRobinState, selectAccount, type SelectionStrategy } from './account-selection';
import { AffinityPins } from './affinity-key';

/**
 * The pool's core, free of Nest and I/O: which account serves a request (health, model, room,
 * affinity, strategy), a bounded queue when every account is full, and the state each outcome
 * leads to. Every account is judged on its own: one throttled account never delays the others.
 */

export interface PoolAccountOptions<S> {
  name: string;
  priority: number;
  weight: number;
  /** undefined: no limit. */
  maxConcurrency: number | undefined;
  session: S;
  state?: AccountState;
}

export interface PooledAccount<S> {
  readonly name: string;
  priority: number;
  weight: number;
  maxConcurrency: number | undefined;
  readonly session: S;
  state: AccountState;
  inFlight: number;
  /** Requests other replicas have in flight on it (shared approximately through Redis). */
  remoteInFlight: number;
  recentUse: number;
  readonly recent: DecayingCounter;
  /** Models this account's plan lacks (INVALID_MODEL_ID), until when. Bounded: names are clients'. */
  readonly skippedModels: LruMap<string, number>;
  served: number;
  failed: number;
}

export interface PoolOptions {
  strategy: SelectionStrategy;
  /** Waiters when every account is full; past it a local 429. */
  queueSize: number;
  queueTimeoutMs: number;
  affinityTtlMs: number;
  affinityCapacity: number;
  now: () => number;
  /** Told once per change, whatever caused it (an outcome, the clock, an operator, another replica). */
  onStateChange?: (account: string, from: AccountState, to: AccountState) => void;
}

export interface AcquireRequest {
  /** The model asked for (the client's name): an account lacking it is skipped. */
  model?: string;
  affinityKey?: string;
  /** Accounts this request already tried: never twice. */
  tried?: ReadonlySet<string>;
  /** The only accounts that may serve it (its client key's); undefined: any. */
  allowed?: ReadonlySet<string>;
  signal?: AbortSignal;
}

export interface AccountLease<S> {
  readonly account: PooledAccount<S>;
  /** Ends the lease (idempotent): the request is over, its slot goes to the next one. */
  release(): void;
}

/** How long a model an account lacks is skipped on it. */
const SKIP_MODEL_MS = 60 * 60_000;
const RECENT_HALF_LIFE_MS = 60_000;

/** No account can serve: each is disabled or cooling. */
export class NoAccountAvailableError extends GatewayError {
  constructor(message: string, retryAfterSeconds: number | undefined, quota: boolean) {
    super(message, quota
      ? { kind: 'quota_exceeded', code: 'insufficient_quota', retryAfterSeconds }
      : { kind: 'unavailable', code: 'no_account_available', retryAfterSeconds });
  }
}

/** Every usable account is at its concurrency limit and the queue is full (or the wait ran out). */
export class AccountsBusyError extends GatewayError {
  constructor(message: string) {
    super(message, { kind: 'rate_limited', code: 'accounts_busy', retryAfterSeconds: 1 });
  }
}

interface Waiter<S> {
  request: AcquireRequest;
  resolve: (lease: AccountLease<S>) => void;
  reject: (err: unknown) => void;
  cleanup: () => void;
}

export class AccountPool<S> {
  private readonly accounts: PooledAccount<S>[] = [];
  private readonly byName = new Map<string, PooledAccount<S>>();
  private readonly rr = new RoundRobinState();
  private readonly pins: AffinityPins;
  private readonly waiters: Waiter<S>[] = [];

  constructor(private readonly options: PoolOptions) {
    this.pins = new AffinityPins(options.affinityCapacity, options.affinityTtlMs);
  }

  get size(): number {
    return this.accounts.length;
  }

  get queued(): number {
    return this.waiters.length;
  }

  list(): readonly PooledAccount<S>[] {
    for (const account of this.accounts) this.observe(account, this.options.now());
    return this.accounts;
  }

  get(name: string): PooledAccount<S> | undefined {
    return this.byName.get(name);
  }

  /** Adds an account; one joining a running pool starts at its peers' recent use (warmed in, not hammered). */
  add(options: PoolAccountOptions<S>): PooledAccount<S> {
    if (this.byName.has(options.name)) throw new Error(`account "${options.name}" is already in the pool`);
    const now = this.options.now();
    const peers = this.accounts.map((account) => account.recent.read(now) / account.weight);
    const warm = peers.length > 0 ? (peers.reduce((a, b) => a + b, 0) / peers.length) * options.weight : 0;
    const account: PooledAccount<S> = {
      name: options.name,
      priority: options.priority,
      weight: options.weight,
      maxConcurrency: options.maxConcurrency,
      session: options.session,
      state: options.state ?? HEALTHY,
      inFlight: 0,
      remoteInFlight: 0,
      recentUse: 0,
      recent: new DecayingCounter(RECENT_HALF_LIFE_MS, warm, now),
      skippedModels: new LruMap(64),
      served: 0,
      failed: 0,
    };
    this.accounts.push(account);
    this.byName.set(account.name, account);
    this.drain();
    return account;
  }

  remove(name: string): PooledAccount<S> | undefined {
    const account = this.byName.get(name);
    if (!account) return undefined;
    this.byName.delete(name);
    this.accounts.splice(this.accounts.indexOf(account), 1);
    this.rr.forget(name);
    return account;
  }

  hasPin(key: string): boolean {
    return this.pins.get(key, this.options.now()) !== undefined;
  }

  /** A pin made elsewhere (another replica). */
  pin(key: string, name: string): void {
    if (this.byName.has(name)) this.pins.set(key, name, this.options.now());
  }

  /** Sets a state from outside an outcome (an operator, another replica); says so once if it changed. */
  setState(name: string, state: AccountState): void {
    const account = this.byName.get(name);
    if (!account) return;
    this.transition(account, state);
    this.drain();
  }

  /** Settings an operator changed; a freed limit lets waiters in. */
  update(name: string, change: { priority?: number; weight?: number; maxConcurrency?: number | null }): void {
    const account = this.byName.get(name);
    if (!account) return;
    if (change.priority !== undefined) account.priority = change.priority;
    if (change.weight !== undefined) account.weight = change.weight;
    if (change.maxConcurrency !== undefined) account.maxConcurrency = change.maxConcurrency ?? undefined;
    this.drain();
  }

  /** What an outcome says about the lease's account (§9.1); `quotaResetAt` from getUsageLimits. */
  report(account: PooledAccount<S>, verdict: AccountVerdict, model?: string, quotaResetAt?: number): void {
    const now = this.options.now();
    if (verdict.effect === 'skip-model' && model) account.skippedModels.set(model, now + SKIP_MODEL_MS);
    if (verdict.effect !== 'none' && verdict.effect !== 'skip-model') account.failed++;
    this.transition(account, nextState(this.observe(account, now), verdict, now, quotaResetAt));
  }

  /** An account for this request, waiting in the bounded queue while every usable one is full. */
  acquire(request: AcquireRequest): Promise<AccountLease<S>> {
    const now = this.options.now();
    const usable = this.usable(request, now);
    if (usable.length === 0) return Promise.reject(this.noneAvailable(now, request));
    const lease = this.tryLease(request, usable, now);
    if (lease) return Promise.resolve(lease);
    if (this.waiters.length >= this.options.queueSize) {
      return Promise.reject(new AccountsBusyError(`Every Kiro account is at its concurrency limit and ${this.options.queueSize} requests are already waiting; try again shortly.`));
    }
    return this.enqueue(request);
  }

  private enqueue(request: AcquireRequest): Promise<AccountLease<S>> {
    return new Promise<AccountLease<S>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.dropWaiter(waiter);
        reject(new AccountsBusyError(`Every Kiro account stayed at its concurrency limit for ${this.options.queueTimeoutMs / 1000} s; try again shortly.`));
      }, this.options.queueTimeoutMs);
      const onAbort = () => {
        this.dropWaiter(waiter);
        reject(request.signal?.reason ?? new Error('aborted'));
      };
      const waiter: Waiter<S> = {
        request,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          request.signal?.removeEventListener('abort', onAbort);
        },
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private dropWaiter(waiter: Waiter<S>): void {
    waiter.cleanup();
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  /** Hands freed slots to waiters in arrival order; a waiter no account can serve any more fails. */
  private drain(): void {
    if (this.waiters.length === 0) return;
    const now = this.options.now();
    for (let i = 0; i < this.waiters.length; ) {
      // No account has room: nobody behind can be served either (keeps a release O(accounts)).
      if (!this.accounts.some((account) => this.hasRoom(account))) return;
      const waiter = this.waiters[i];
      const usable = this.usable(waiter.request, now);
      if (usable.length === 0) {
        this.dropWaiter(waiter);
        waiter.reject(this.noneAvailable(now, waiter.request));
        continue;
      }
      const lease = this.tryLease(waiter.request, usable, now);
      if (!lease) {
        i++;
        continue;
      }
      this.dropWaiter(waiter);
      waiter.resolve(lease);
    }
  }

  /**
   * Accounts that may serve the request, full or not. With nothing else to fail over to, a pool of
   * one keeps using its account whatever its state (but an operator's disable): the client then
   * gets Kiro's own answer, as before there was a pool.
   */
  private usable(request: AcquireRequest, now: number): PooledAccount<S>[] {
    const result: PooledAccount<S>[] = [];
    for (const account of this.accounts) {
      if (request.tried?.has(account.name)) continue;
      if (request.allowed && !request.allowed.has(account.name)) continue;
      if (this.observe(account, now).kind !== 'healthy') continue;
      if (request.model && this.skips(account, request.model, now)) continue;
      result.push(account);
    }
    if (result.length === 0 && this.accounts.length === 1) {
      const only = this.accounts[0];
      const operatorDisabled = only.state.kind === 'disabled' && only.state.reason === 'operator';
      if (!operatorDisabled && !request.tried?.has(only.name) && (!request.allowed || request.allowed.has(only.name))) result.push(only);
    }
    return result;
  }

  private skips(account: PooledAccount<S>, model: string, now: number): boolean {
    const until = account.skippedModels.get(model);
    if (until === undefined) return false;
    if (until > now) return true;
    account.skippedModels.delete(model);
    return false;
  }

  private tryLease(request: AcquireRequest, usable: PooledAccount<S>[], now: number): AccountLease<S> | undefined {
    const withRoom = usable.filter((account) => this.hasRoom(account));
    if (withRoom.length === 0) return undefined;
    const key = request.affinityKey;
    const pinned = key ? this.pins.get(key, now) : undefined;
    let chosen = pinned !== undefined ? withRoom.find((account) => account.name === pinned) : undefined;
    if (!chosen) {
      for (const account of withRoom) account.recentUse = account.recent.read(now);
      chosen = selectAccount(withRoom, this.options.strategy, this.rr) as PooledAccount<S>;
      // Re-pinned only when the pinned account cannot serve at all (a hard failure, gone, or
      // lacking the model); one that is only full or was tried for a network error keeps the pin.
      if (key && (pinned === undefined || !this.keepsPin(pinned, request, now))) this.pins.set(key, chosen.name, now);
    }
    return this.lease(chosen, now);
  }

  private hasRoom(account: PooledAccount<S>): boolean {
    return account.maxConcurrency === undefined || account.inFlight + account.remoteInFlight < account.maxConcurrency;
  }

  private keepsPin(name: string, request: AcquireRequest, now: number): boolean {
    const account = this.byName.get(name);
    if (!account || this.observe(account, now).kind !== 'healthy') return false;
    return !(request.model && this.skips(account, request.model, now));
  }

  private lease(account: PooledAccount<S>, now: number): AccountLease<S> {
    account.inFlight++;
    account.served++;
    account.recent.add(now);
    let released = false;
    return {
      account,
      release: () => {
        if (released) return;
        released = true;
        account.inFlight--;
        this.drain();
      },
    };
  }

  /** The account's state now, noting a cooling or quota that has run out. */
  private observe(account: PooledAccount<S>, now: number): AccountState {
    const state = currentState(account.state, now);
    if (state !== account.state) this.transition(account, state);
    return state;
  }

  private transition(account: PooledAccount<S>, to: AccountState): void {
    const from = account.state;
    if (sameState(from, to)) return;
    account.state = to;
    this.options.onStateChange?.(account.name, from, to);
  }

  private noneAvailable(now: number, request: AcquireRequest): NoAccountAvailableError {
    let soonest: number | undefined;
    // Only the accounts the request may use say why none can serve it.
    const allowed = request.allowed;
    const candidates = allowed ? this.accounts.filter((account) => allowed.has(account.name)) : this.accounts;
    if (allowed && candidates.length === 0) {
      return new NoAccountAvailableError(`None of the Kiro accounts this key may use (${[...allowed].slice(0, 10).join(', ')}) is in the pool.`, undefined, false);
    }
    let quotaOnly = candidates.length > 0;
    for (const account of candidates) {
      const state = this.observe(account, now);
      if (state.kind === 'cooling' || (state.kind === 'disabled' && state.until !== undefined)) {
        const until = (state as { until: number }).until;
        soonest = soonest === undefined ? until : Math.min(soonest, until);
      }
      if (!(state.kind === 'disabled' && state.reason === 'quota_exhausted')) quotaOnly = false;
    }
    const retryAfter = soonest !== undefined ? Math.max(1, Math.ceil((soonest - now) / 1000)) : undefined;
    const message = quotaOnly
      ? "Every Kiro account's usage quota is spent until its next reset."
      : `No Kiro account can serve this request now (${candidates.length === 0 ? 'none is configured' : `each${allowed ? ' this key may use' : ''} is disabled, cooling down or lacks the model`}).`;
    return new NoAccountAvailableError(message, retryAfter, quotaOnly);
  }
}
