import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { type Observable, Subject } from 'rxjs';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { GatewayError, InvalidRequestError, NotFoundError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { BUDGET_PERIODS, type BudgetPeriod, periodWindow } from './budget-periods';
import { type ClientKey, type ClientKeyPolicy, DEFAULT_KEY_NAME, KEY_NAME, KEY_NAME_RULE, MAX_CLIENT_KEYS, NO_LIMITS } from './client-key';
import { BudgetExceededError, KeyDisabledError, ModelNotAllowedError } from './client-key-errors';
import { ClientKeysFile, SpendFile, usageFileFor } from './client-keys-file';
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
  private readonly file: ClientKeysFile | undefined;
  /** False when the file exists but could not be read: then nothing overwrites it. */
  private fileWritable = true;
  private fileProblem: string | undefined;
  private readonly ledger: SpendLedger;
  private readonly reached = new Subject<BudgetReachedEvent>();
  private readonly notified = new Set<string>();
  private lastSharedWarning = 0;
  /** Without Redis, the spend of the current day and month is kept here across restarts. */
  private readonly usageFile: SpendFile | undefined;
  private usageTimer: NodeJS.Timeout | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  /** The keys file as last read or written here (see ClientKeysFile.version). */
  private fileVersion = 'missing';
  readonly defaultKey: ClientKey;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Optional() @Inject(SpendCounterStore) shared?: SpendCounterStore | null,
  ) {
    this.file = config.clientKeys.file ? new ClientKeysFile(config.clientKeys.file) : undefined;
    this.usageFile = config.clientKeys.file && !shared ? new SpendFile(usageFileFor(config.clientKeys.file)) : undefined;
    this.ledger = new SpendLedger({
      shared: shared ?? undefined,
      now: () => clock.now(),
      refreshMs: SHARED_REFRESH_MS,
      maxCells: MAX_CLIENT_KEYS * 8,
      onSharedFailure: (err) => this.warnShared(err),
    });
    this.defaultKey = this.register({ id: 'default', name: DEFAULT_KEY_NAME, source: 'default', digest: keyDigest(config.server.proxyApiKey), hint: undefined, enabled: true, createdAt: undefined, ...NO_LIMITS });
    for (const entry of config.clientKeys.static) {
      this.register({ id: `env.${entry.name}`, name: entry.name, source: 'static', digest: keyDigest(entry.secret), hint: undefined, enabled: true, createdAt: undefined, ...NO_LIMITS });
    }
  }

  async onModuleInit(): Promise<void> {
    if (!this.file) return;
    await this.loadUsage();
    try {
      await this.reload();
      const created = this.created().length;
      if (created > 0) this.logger.log(`${created} client key(s) from ${this.file.path}`);
    } catch (err) {
      // The gateway serves on with its other keys; the file is left as it is for the operator to fix.
      this.fileWritable = false;
      this.fileProblem = `${this.file.path} cannot be read (${(err as Error).message})`;
      this.logger.error(`Client keys: ${this.fileProblem}; keys made in the console are refused and none can be changed until it is fixed`);
      return;
    }
    // Replicas sharing the file (one volume) see each other's changes within RELOAD_MS.
    this.reloadTimer = setInterval(() => void this.reloadIfChanged(), RELOAD_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.usageTimer);
    clearInterval(this.reloadTimer);
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
    if (this.nameTaken(name)) throw new InvalidRequestError(`A key named "${name}" already exists`, 'name', 'key_exists');
    if (this.byId.size >= MAX_CLIENT_KEYS) throw new InvalidRequestError(`The gateway holds its maximum of ${MAX_CLIENT_KEYS} client keys; delete one first`, null, 'too_many_keys');
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
    await this.persist([...this.created(), key]);
    this.register(key);
    return { key: await this.get(key.id), secret };
  }

  async update(id: string, body: Record<string, unknown>): Promise<ClientKeyView> {
    const key = this.requireCreated(id);
    const { name, enabled, ...rest } = body;
    const policy = checked(rest);
    if (name !== undefined && (typeof name !== 'string' || !KEY_NAME.test(name))) throw new InvalidRequestError(`name must be ${KEY_NAME_RULE}`, 'name');
    if (typeof name === 'string' && name !== key.name && this.nameTaken(name)) throw new InvalidRequestError(`A key named "${name}" already exists`, 'name', 'key_exists');
    if (enabled !== undefined && typeof enabled !== 'boolean') throw new InvalidRequestError('enabled must be true or false', 'enabled');
    const next: ClientKey = { ...key, ...applied(key, policy), ...(typeof name === 'string' ? { name } : {}), ...(typeof enabled === 'boolean' ? { enabled } : {}) };
    await this.persist(this.created().map((candidate) => (candidate.id === id ? next : candidate)));
    // Changed in place: requests holding the key see the change at once.
    Object.assign(key, next);
    this.policies.delete(key.id);
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const key = this.requireCreated(id);
    await this.persist(this.created().filter((candidate) => candidate.id !== id));
    this.forget(key);
  }

  /** Whether keys can be created and changed here, and why not. */
  status(): { file: string | null; writable: boolean; problem: string | null } {
    return { file: this.file?.path ?? null, writable: this.file !== undefined && this.fileWritable, problem: this.file ? (this.fileProblem ?? null) : 'CLIENT_KEYS_FILE is off' };
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

  private created(): ClientKey[] {
    return [...this.byId.values()].filter((key) => key.source === 'created');
  }

  private require(id: string): ClientKey {
    const key = this.byId.get(id);
    if (!key) throw new NotFoundError(`No client key with the id "${id.slice(0, 80)}"`, 'key_not_found');
    return key;
  }

  private requireCreated(id: string): ClientKey {
    const key = this.require(id);
    if (key.source !== 'created') throw new InvalidRequestError(`The key "${key.name}" comes from ${key.source === 'default' ? 'PROXY_API_KEY' : 'PROXY_API_KEYS'} and cannot be changed here`, null, 'key_read_only');
    return key;
  }

  /** The file first: a key that would not survive a restart is never handed out or changed. */
  private async persist(keys: ClientKey[]): Promise<void> {
    if (!this.file) throw new InvalidRequestError('Client keys can be created only with CLIENT_KEYS_FILE set (it is off)', null, 'no_keys_file');
    if (!this.fileWritable) throw new GatewayError(`Client keys cannot be changed: ${this.fileProblem}`, { kind: 'unavailable', code: 'keys_file_unreadable' });
    try {
      await this.file.save(keys);
      this.fileVersion = await this.file.version().catch(() => 'unknown');
    } catch (err) {
      throw new GatewayError(`Client keys cannot be saved to ${this.file.path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); nothing was changed`, { kind: 'unavailable', code: 'keys_file_unwritable' });
    }
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
   * The created keys as the file has them now: new ones added, changed ones updated in place
   * (requests holding them see the change), removed ones gone.
   */
  private async reload(): Promise<void> {
    const file = this.file!;
    const version = await file.version();
    const { keys, problems } = await file.load();
    this.fileVersion = version;
    for (const problem of problems) this.logger.warn(`${file.path}: ${problem} (that key is refused)`);
    const inFile = new Set<string>();
    for (const key of keys) {
      const known = this.byId.get(key.id);
      if (known && known.digest === key.digest && known.source === 'created') {
        Object.assign(known, key);
        this.policies.delete(key.id);
      } else if (this.byDigest.has(key.digest) || this.nameTaken(key.name)) {
        this.logger.warn(`${file.path}: key ${key.id} ("${key.name}") repeats another key or name (it is refused)`);
        continue;
      } else if (this.byId.size < MAX_CLIENT_KEYS) {
        this.register(key);
      }
      inFile.add(key.id);
    }
    for (const key of this.created()) if (!inFile.has(key.id)) this.forget(key);
  }

  private async reloadIfChanged(): Promise<void> {
    try {
      if ((await this.file!.version()) !== this.fileVersion) await this.reload();
    } catch (err) {
      this.logger.warn(`${this.file!.path} could not be read again (${(err as Error).message}); the keys stay as they were`);
    }
  }

  private forget(key: ClientKey): void {
    key.enabled = false;
    this.byDigest.delete(key.digest);
    this.byId.delete(key.id);
    this.policies.delete(key.id);
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

/** How often a process without Redis writes the keys' spend to disk (and at shutdown). */
const USAGE_SAVE_MS = 15_000;

/** Counters live a day past their period, so a replica with a skewed clock still finds them. */
const MARGIN_MS = 86_400_000;

const counter = (what: 'credits' | 'requests', key: ClientKey, label: string): string => `${what}:${key.id}:${label}`;

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
