import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { type Observable, Subject } from 'rxjs';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { InvalidRequestError, NotFoundError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { BUDGET_PERIODS, type BudgetPeriod, periodWindow } from './budget-periods';
import { type ClientKey, type ClientKeyPolicy, DEFAULT_KEY_NAME, KEY_NAME, KEY_NAME_RULE, MAX_CLIENT_KEYS, NO_LIMITS } from './client-key';
import { BudgetExceededError, KeyDisabledError, ModelNotAllowedError } from './client-key-errors';
import { ClientKeysFile, SpendFile, usageFileFor } from './client-keys-file';
import { ClientKeysSync } from './client-keys-sync';
import { parsePolicy, type PolicyInput } from './key-policy-input';
import { keyDigest, keyHint, newKeySecret } from './key-secret';
import { ModelPolicy } from './model-policy';
import { SpendCounterStore } from './spend-counter-store';
import { SpendLedger } from './spend-ledger';

/** A key as the admin API shows it: never the secret or its digest. */
export interface ClientKeyView {
  id: string;
  name: string;
  source: ClientKey['source'];
  /** Static keys (PROXY_API_KEY, PROXY_API_KEYS) cannot be changed here. */
  readOnly: boolean;
  hint: string | null;
  enabled: boolean;
  createdAt: string | null;
  models: string[];
  accounts: string[];
  rateLimitPerMinute: number | null;
  dailyCredits: number | null;
  monthlyCredits: number | null;
  usage: ClientKeyUsage;
}

export interface ClientKeyUsage {
  daily: PeriodUsage;
  monthly: PeriodUsage;
}

export interface PeriodUsage {
  credits: number;
  requests: number;
  limit: number | null;
  resetsAt: string;
}

/** What the alerts (issue 15 item 6) are told when a key reaches a budget; once per key and period. */
export interface BudgetReachedEvent {
  keyId: string;
  keyName: string;
  period: BudgetPeriod;
  limit: number;
  used: number;
  /** ISO time of the period's end (UTC). */
  resetsAt: string;
}

/** The store is read again after this long (another replica's spend shows within about this). */
const SHARED_REFRESH_MS = 1_000;

/**
 * Every client key: PROXY_API_KEY (`default`), PROXY_API_KEYS (static) and those made through
 * the admin API (kept hashed in CLIENT_KEYS_FILE). Looks a presented key up by its SHA-256 in a
 * Map (no secret is ever compared byte by byte), enforces each key's models and budgets, and
 * counts its credits per UTC day and month (shared through Redis by the replicas).
 */
@Injectable()
export class ClientKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ClientKeys');
  private readonly byDigest = new Map<string, ClientKey>();
  private readonly byId = new Map<string, ClientKey>();
  private readonly policies = new Map<string, ModelPolicy>();
  /** CLIENT_KEYS_FILE, or undefined when it is off (then no key can be created). */
  private readonly sync: ClientKeysSync | undefined;
  private readonly ledger: SpendLedger;
  private readonly reached = new Subject<BudgetReachedEvent>();
  private readonly notified = new Set<string>();
  private lastSharedWarning = 0;
  /** Without Redis, the spend of the current day and month is kept here across restarts. */
  private readonly usageFile: SpendFile | undefined;
  private usageTimer: NodeJS.Timeout | undefined;
  readonly defaultKey: ClientKey;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Optional() @Inject(SpendCounterStore) shared?: SpendCounterStore | null,
  ) {
    this.sync = config.clientKeys.file
      ? new ClientKeysSync(new ClientKeysFile(config.clientKeys.file), (keys) => this.reconcile(keys), { owner: config.instance, reloadMs: RELOAD_MS, lockWaitMs: LOCK_WAIT_MS, lockStaleMs: LOCK_STALE_MS })
      : undefined;
    this.usageFile = config.clientKeys.file && !shared ? new SpendFile(usageFileFor(config.clientKeys.file)) : undefined;
    this.ledger = new SpendLedger({
      shared: shared ?? undefined,
      now: () => clock.now(),
      refreshMs: SHARED_REFRESH_MS,
      // A key's current periods take 4 counters (credits and requests, day and month), its ended
      // ones up to 4 more while they linger: the current ones of every key always fit.
      maxCells: MAX_CLIENT_KEYS * 8,
      lingerMs: MARGIN_MS,
      onSharedFailure: (err) => this.warnShared(err),
    });
    this.defaultKey = this.register({ id: 'default', name: DEFAULT_KEY_NAME, source: 'default', digest: keyDigest(config.server.proxyApiKey), hint: undefined, enabled: true, createdAt: undefined, ...NO_LIMITS });
    for (const entry of config.clientKeys.static) {
      this.register({ id: `env.${entry.name}`, name: entry.name, source: 'static', digest: keyDigest(entry.secret), hint: undefined, enabled: true, createdAt: undefined, ...NO_LIMITS });
    }
  }

  async onModuleInit(): Promise<void> {
    if (!this.sync) return;
    await this.loadUsage();
    // A file that cannot be read is left as it is for the operator to fix; the gateway serves on
    // with its other keys and reads it again until it can.
    await this.sync.start();
    const created = this.created().length;
    if (created > 0) this.logger.log(`${created} client key(s) from ${this.sync.file.path}`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.usageTimer);
    this.sync?.stop();
    await this.saveUsage();
  }

  /** Told once per key and period when a request's credits reach its budget. */
  get budgetReached(): Observable<BudgetReachedEvent> {
    return this.reached.asObservable();
  }

  /** The key a client presented, if any: one hash and one Map lookup. */
  lookup(secret: string): ClientKey | undefined {
    return this.byDigest.get(keyDigest(secret));
  }

  /** Refuses a disabled key (ProxyKeyGuard calls it once the key is known). */
  assertEnabled(key: ClientKey): void {
    if (!key.enabled) throw new KeyDisabledError(key.name);
  }

  /** Refuses a request of a key past one of its budgets; the request is counted otherwise. */
  admit(key: ClientKey): void {
    const now = this.clock.now();
    for (const period of BUDGET_PERIODS) {
      const limit = limitOf(key, period);
      const window = periodWindow(period, now);
      if (limit !== undefined) {
        const used = this.ledger.total(counter('credits', key, window.label), window.resetsAt + MARGIN_MS);
        if (used >= limit) {
          this.notify(key, period, limit, used, window.resetsAt);
          throw new BudgetExceededError(key.name, period, limit, used, window.resetsAt, now);
        }
      }
    }
    for (const period of BUDGET_PERIODS) {
      const window = periodWindow(period, now);
      this.ledger.add(counter('requests', key, window.label), 1, window.resetsAt + MARGIN_MS);
    }
  }

  /** Whether the caller's key may use the model (see ModelPolicy for how names compare). */
  allowsModel(principal: Principal, model: string): boolean {
    const key = principal.key;
    return !key || key.models.length === 0 || this.policyOf(key).allows(model);
  }

  /** Refuses a model the caller's key does not allow. */
  assertModel(principal: Principal, model: string): void {
    const key = principal.key;
    if (key && !this.allowsModel(principal, model)) throw new ModelNotAllowedError(key.name, model, key.models);
  }

  /** The credits of one answer (its meteringEvent), counted against the key's budgets. */
  spend(key: ClientKey, credits: number): void {
    if (!(credits > 0)) return;
    const now = this.clock.now();
    for (const period of BUDGET_PERIODS) {
      const window = periodWindow(period, now);
      const name = counter('credits', key, window.label);
      this.ledger.add(name, credits, window.resetsAt + MARGIN_MS);
      const limit = limitOf(key, period);
      if (limit !== undefined) {
        const used = this.ledger.total(name, window.resetsAt + MARGIN_MS);
        if (used >= limit) this.notify(key, period, limit, used, window.resetsAt);
      }
    }
  }

  // ---- the admin API ----

  async list(): Promise<ClientKeyView[]> {
    const keys = [...this.byId.values()];
    const usages = await this.usages(keys);
    return keys.map((key, i) => this.view(key, usages[i]));
  }

  async get(id: string): Promise<ClientKeyView> {
    const key = this.require(id);
    return this.view(key, (await this.usages([key]))[0]);
  }

  /** A new key; its secret is in this answer only. */
  async create(body: Record<string, unknown>): Promise<{ key: ClientKeyView; secret: string }> {
    const { name, enabled, ...rest } = body;
    const policy = checked(rest);
    if (typeof name !== 'string' || !KEY_NAME.test(name)) throw new InvalidRequestError(`name must be ${KEY_NAME_RULE}`, 'name');
    if (enabled !== undefined && typeof enabled !== 'boolean') throw new InvalidRequestError('enabled must be true or false', 'enabled');
    const secret = newKeySecret();
    const key: ClientKey = {
      id: `key_${randomBytes(6).toString('hex')}`,
      name,
      source: 'created',
      digest: keyDigest(secret),
      hint: keyHint(secret),
      enabled: enabled !== false,
      createdAt: new Date(this.clock.now()).toISOString(),
      ...NO_LIMITS,
      ...applied(NO_LIMITS, policy),
    };
    // Checked against the file as it is now (under its lock): other replicas' keys count too.
    await this.changes().change((onDisk) => {
      this.assertNameFree(name, onDisk);
      if (onDisk.length + this.envKeys() >= MAX_CLIENT_KEYS) throw new InvalidRequestError(`The gateway holds its maximum of ${MAX_CLIENT_KEYS} client keys; delete one first`, null, 'too_many_keys');
      return [...onDisk, key];
    });
    return { key: await this.get(key.id), secret };
  }

  async update(id: string, body: Record<string, unknown>): Promise<ClientKeyView> {
    this.assertChangeable(id);
    const { name, enabled, ...rest } = body;
    const policy = checked(rest);
    if (name !== undefined && (typeof name !== 'string' || !KEY_NAME.test(name))) throw new InvalidRequestError(`name must be ${KEY_NAME_RULE}`, 'name');
    if (enabled !== undefined && typeof enabled !== 'boolean') throw new InvalidRequestError('enabled must be true or false', 'enabled');
    // The change applies to the key as the file has it now (another replica may have changed it).
    // The registry's key is then changed in place: requests holding it see the change at once.
    await this.changes().change((onDisk) => {
      const key = onDisk.find((candidate) => candidate.id === id) ?? notFound(id);
      if (typeof name === 'string' && name !== key.name) this.assertNameFree(name, onDisk);
      const next: ClientKey = { ...key, ...applied(key, policy), ...(typeof name === 'string' ? { name } : {}), ...(typeof enabled === 'boolean' ? { enabled } : {}) };
      return onDisk.map((candidate) => (candidate.id === id ? next : candidate));
    });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    this.assertChangeable(id);
    await this.changes().change((onDisk) => {
      if (!onDisk.some((candidate) => candidate.id === id)) notFound(id);
      return onDisk.filter((candidate) => candidate.id !== id);
    });
  }

  /** Whether keys can be created and changed here, and why not. */
  status(): { file: string | null; writable: boolean; problem: string | null } {
    if (!this.sync) return { file: null, writable: false, problem: 'CLIENT_KEYS_FILE is off' };
    return { file: this.sync.file.path, ...this.sync.status() };
  }

  // ---- internals ----

  private register(key: ClientKey): ClientKey {
    this.byDigest.set(key.digest, key);
    this.byId.set(key.id, key);
    return key;
  }

  private nameTaken(name: string): boolean {
    for (const key of this.byId.values()) if (key.name === name) return true;
    return false;
  }

  /** A name is free when no key in the file and no key of the environment has it. */
  private assertNameFree(name: string, onDisk: readonly ClientKey[]): void {
    const taken = onDisk.some((key) => key.name === name) || [...this.byId.values()].some((key) => key.source !== 'created' && key.name === name);
    if (taken) throw new InvalidRequestError(`A key named "${name}" already exists`, 'name', 'key_exists');
  }

  /** PROXY_API_KEY and PROXY_API_KEYS: they count towards MAX_CLIENT_KEYS. */
  private envKeys(): number {
    return this.byId.size - this.created().length;
  }

  private created(): ClientKey[] {
    return [...this.byId.values()].filter((key) => key.source === 'created');
  }

  private require(id: string): ClientKey {
    return this.byId.get(id) ?? notFound(id);
  }

  /** Keys of the environment are read-only; a created key is looked for in the file (it may be another replica's, made just now). */
  private assertChangeable(id: string): void {
    const key = this.byId.get(id);
    if (key && key.source !== 'created') throw new InvalidRequestError(`The key "${key.name}" comes from ${key.source === 'default' ? 'PROXY_API_KEY' : 'PROXY_API_KEYS'} and cannot be changed here`, null, 'key_read_only');
  }

  /** The file first: a key that would not survive a restart is never handed out or changed. */
  private changes(): ClientKeysSync {
    if (!this.sync) throw new InvalidRequestError('Client keys can be created only with CLIENT_KEYS_FILE set (it is off)', null, 'no_keys_file');
    return this.sync;
  }

  private policyOf(key: ClientKey): ModelPolicy {
    let policy = this.policies.get(key.id);
    if (!policy) {
      policy = new ModelPolicy(key.models, this.config.models.aliases);
      this.policies.set(key.id, policy);
    }
    return policy;
  }

  private async usages(keys: readonly ClientKey[]): Promise<ClientKeyUsage[]> {
    const now = this.clock.now();
    const windows = BUDGET_PERIODS.map((period) => periodWindow(period, now));
    const counters = keys.flatMap((key) => windows.flatMap((window) => (['credits', 'requests'] as const).map((what) => ({ counter: counter(what, key, window.label), expiresAt: window.resetsAt + MARGIN_MS }))));
    const totals = await this.ledger.read(counters);
    return keys.map((key, k) => {
      const at = (w: number, what: number) => totals[k * 4 + w * 2 + what];
      const usage = (w: number): PeriodUsage => ({
        credits: round(at(w, 0)),
        requests: Math.round(at(w, 1)),
        limit: limitOf(key, windows[w].period) ?? null,
        resetsAt: new Date(windows[w].resetsAt).toISOString(),
      });
      return { daily: usage(0), monthly: usage(1) };
    });
  }

  private view(key: ClientKey, usage: ClientKeyUsage): ClientKeyView {
    return {
      id: key.id,
      name: key.name,
      source: key.source,
      readOnly: key.source !== 'created',
      hint: key.hint ?? null,
      enabled: key.enabled,
      createdAt: key.createdAt ?? null,
      models: key.models,
      accounts: key.accounts,
      rateLimitPerMinute: key.rateLimitPerMinute ?? null,
      dailyCredits: key.dailyCredits ?? null,
      monthlyCredits: key.monthlyCredits ?? null,
      usage,
    };
  }

  private notify(key: ClientKey, period: BudgetPeriod, limit: number, used: number, resetsAt: number): void {
    const id = `${key.id}:${periodWindow(period, this.clock.now()).label}:${limit}`;
    if (this.notified.has(id)) return;
    if (this.notified.size >= MAX_CLIENT_KEYS * 4) this.notified.clear();
    this.notified.add(id);
    this.logger.warn(`Client key "${key.name}" reached its ${period} budget (${round(used)} of ${limit} Kiro credits); refused until ${new Date(resetsAt).toISOString()}`);
    this.reached.next({ keyId: key.id, keyName: key.name, period, limit, used: round(used), resetsAt: new Date(resetsAt).toISOString() });
  }

  /**
   * The created keys as the file has them now (ClientKeysSync calls it after each read and
   * change): removed ones gone, changed ones updated in place (requests holding them see the
   * change), new ones added.
   */
  private reconcile(keys: readonly ClientKey[]): void {
    const path = this.sync!.file.path;
    const inFile = new Map(keys.map((key) => [key.id, key]));
    for (const key of this.created()) if (inFile.get(key.id)?.digest !== key.digest) this.forget(key);
    for (const key of keys) {
      const known = this.byId.get(key.id);
      if (known && known.digest === key.digest && known.source === 'created') {
        Object.assign(known, key);
        this.policies.delete(key.id);
      } else if (known || this.byDigest.has(key.digest) || this.nameTaken(key.name)) {
        this.logger.warn(`${path}: key ${key.id} ("${key.name}") repeats another key or name (it is refused)`);
      } else if (this.byId.size < MAX_CLIENT_KEYS) {
        this.register(key);
      }
    }
  }

  /** A deleted key: refused by requests still holding it, and its counters gone (they no longer take room from the live keys'). */
  private forget(key: ClientKey): void {
    key.enabled = false;
    this.byDigest.delete(key.digest);
    this.byId.delete(key.id);
    this.policies.delete(key.id);
    this.ledger.drop((name) => keyIdOf(name) === key.id);
  }

  private async loadUsage(): Promise<void> {
    const file = this.usageFile;
    if (!file) return;
    try {
      this.ledger.seed(await file.load());
    } catch (err) {
      this.logger.warn(`${file.path} cannot be read (${(err as Error).message}): today's and this month's key spend start from 0`);
    }
    this.usageTimer = setInterval(() => void this.saveUsage(), USAGE_SAVE_MS).unref();
  }

  private async saveUsage(): Promise<void> {
    if (!this.usageFile || !this.ledger.dirty) return;
    try {
      await this.usageFile.save(this.ledger.snapshot());
    } catch (err) {
      this.logger.warn(`Key spend cannot be saved to ${this.usageFile.path} (${(err as Error).message})`);
    }
  }

  private warnShared(err: Error): void {
    const now = this.clock.now();
    if (now - this.lastSharedWarning < 10_000) return;
    this.lastSharedWarning = now;
    this.logger.warn(`Shared key spend unavailable, counting on this replica: ${err.message}`);
  }
}

/** How often the keys file is checked for changes made by another replica. */
const RELOAD_MS = 2_000;

/** A change waits this long for another replica's (a change takes milliseconds), then is refused with a 503. */
const LOCK_WAIT_MS = 5_000;

/** The keys file's lock is taken over once this old: its holder died. */
const LOCK_STALE_MS = 10_000;

/** How often a process without Redis writes the keys' spend to disk (and at shutdown). */
const USAGE_SAVE_MS = 15_000;

/** Counters live a day past their period, so a replica with a skewed clock still finds them. */
const MARGIN_MS = 86_400_000;

const counter = (what: 'credits' | 'requests', key: ClientKey, label: string): string => `${what}:${key.id}:${label}`;

/** The key id in a {@link counter} name (ids hold no colon). */
const keyIdOf = (name: string): string => name.slice(name.indexOf(':') + 1, name.lastIndexOf(':'));

function notFound(id: string): never {
  throw new NotFoundError(`No client key with the id "${id.slice(0, 80)}"`, 'key_not_found');
}

const limitOf = (key: ClientKey, period: BudgetPeriod): number | undefined => (period === 'daily' ? key.dailyCredits : key.monthlyCredits);

function checked(body: Record<string, unknown>): PolicyInput {
  const known = new Set(['models', 'accounts', 'rateLimitPerMinute', 'dailyCredits', 'monthlyCredits']);
  const unknown = Object.keys(body).filter((field) => !known.has(field));
  if (unknown.length > 0) throw new InvalidRequestError(`Unknown field(s): ${unknown.slice(0, 5).join(', ')}; a key has name, enabled, models, accounts, rateLimitPerMinute, dailyCredits and monthlyCredits`, unknown[0]);
  const policy = parsePolicy(body);
  if (typeof policy === 'string') throw new InvalidRequestError(policy, policy.split(' ')[0]);
  return policy;
}

/** The policy after a change: null removes a limit, undefined keeps it. */
function applied(current: ClientKeyPolicy, change: PolicyInput): ClientKeyPolicy {
  const pick = <T>(next: T | null | undefined, now: T | undefined): T | undefined => (next === null ? undefined : next === undefined ? now : next);
  return {
    models: change.models ?? current.models,
    accounts: change.accounts ?? current.accounts,
    rateLimitPerMinute: pick(change.rateLimitPerMinute, current.rateLimitPerMinute),
    dailyCredits: pick(change.dailyCredits, current.dailyCredits),
    monthlyCredits: pick(change.monthlyCredits, current.monthlyCredits),
  };
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;
