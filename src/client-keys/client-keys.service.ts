import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Observable } from 'rxjs';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { InvalidRequestError, NotFoundError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { type ClientKey, type ClientKeyPolicy, type ClientKeyUsage, type ClientKeyView, DEFAULT_KEY_NAME, envKeyId, KEY_NAME, KEY_NAME_RULE, MAX_CLIENT_KEYS, NO_LIMITS } from './client-key';
import { KeyDisabledError, ModelNotAllowedError } from './client-key-errors';
import { ClientKeysFile, SpendFile, usageFileFor } from './client-keys-file';
import { ClientKeysSync } from './client-keys-sync';
import { type BudgetReachedEvent, KeyBudgets } from './key-budgets';
import { parsePolicy, type PolicyInput } from './key-policy-input';
import { keyDigest, keyHint, newKeySecret } from './key-secret';
import { ModelPolicy } from './model-policy';
import { SpendCounterStore } from './spend-counter-store';

export type { BudgetReachedEvent } from './key-budgets';
export type { ClientKeyUsage, ClientKeyView, PeriodUsage } from './client-key';

/**
 * Every client key: PROXY_API_KEY (`default`), PROXY_API_KEYS (static) and those made through
 * the admin API (kept hashed in CLIENT_KEYS_FILE). Looks a presented key up by its SHA-256 in a
 * Map (no secret is ever compared byte by byte), enforces each key's models, and serves the admin
 * API. CLIENT_KEYS_FILE is kept in step by {@link ClientKeysSync}; the budgets (credits per UTC
 * day and month, shared through Redis by the replicas) are {@link KeyBudgets}'.
 */
@Injectable()
export class ClientKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ClientKeys');
  private readonly byDigest = new Map<string, ClientKey>();
  private readonly byId = new Map<string, ClientKey>();
  private readonly policies = new Map<string, ModelPolicy>();
  /** CLIENT_KEYS_FILE, or undefined when it is off (then no key can be created). */
  private readonly sync: ClientKeysSync | undefined;
  private readonly budgets: KeyBudgets;
  readonly defaultKey: ClientKey;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Optional() @Inject(SpendCounterStore) shared?: SpendCounterStore | null,
  ) {
    this.sync = config.clientKeys.file
      ? new ClientKeysSync(new ClientKeysFile(config.clientKeys.file), (keys) => this.reconcile(keys), { owner: config.instance, reloadMs: RELOAD_MS, lockWaitMs: LOCK_WAIT_MS, lockStaleMs: LOCK_STALE_MS })
      : undefined;
    // Without Redis, the spend of the current day and month is kept beside the keys file across restarts.
    this.budgets = new KeyBudgets(clock, shared ?? undefined, config.clientKeys.file && !shared ? new SpendFile(usageFileFor(config.clientKeys.file)) : undefined);
    this.defaultKey = this.register({ id: 'default', name: DEFAULT_KEY_NAME, source: 'default', digest: keyDigest(config.server.proxyApiKey), hint: undefined, enabled: true, createdAt: undefined, ...NO_LIMITS });
    for (const entry of config.clientKeys.static) {
      this.register({ id: envKeyId(entry.name), name: entry.name, source: 'static', digest: keyDigest(entry.secret), hint: undefined, enabled: true, createdAt: undefined, ...NO_LIMITS });
    }
  }

  async onModuleInit(): Promise<void> {
    if (!this.sync) return;
    await this.budgets.start();
    // A file that cannot be read is left as it is for the operator to fix; the gateway serves on
    // with its other keys and reads it again until it can.
    await this.sync.start();
    const created = this.created().length;
    if (created > 0) this.logger.log(`${created} client key(s) from ${this.sync.file.path}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.sync?.stop();
    await this.budgets.stop();
  }

  /** Told once per key and period when a request's credits reach its budget. */
  get budgetReached(): Observable<BudgetReachedEvent> {
    return this.budgets.budgetReached;
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
    this.budgets.admit(key);
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
    this.budgets.spend(key, credits);
  }

  // ---- the admin API ----

  async list(): Promise<ClientKeyView[]> {
    const keys = [...this.byId.values()];
    const usages = await this.budgets.usages(keys);
    return keys.map((key, i) => this.view(key, usages[i]));
  }

  async get(id: string): Promise<ClientKeyView> {
    const key = this.require(id);
    return this.view(key, (await this.budgets.usages([key]))[0]);
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
      if (onDisk.filter((known) => known.source === 'created').length + this.envKeys() >= MAX_CLIENT_KEYS) throw new InvalidRequestError(`The gateway holds its maximum of ${MAX_CLIENT_KEYS} client keys; delete one first`, null, 'too_many_keys');
      return [...onDisk, key];
    });
    return { key: await this.get(key.id), secret };
  }

  async update(id: string, body: Record<string, unknown>): Promise<ClientKeyView> {
    const registered = this.assertChangeable(id, 'change');
    const { name, enabled, ...rest } = body;
    const policy = checked(rest);
    if (name !== undefined && (typeof name !== 'string' || !KEY_NAME.test(name))) throw new InvalidRequestError(`name must be ${KEY_NAME_RULE}`, 'name');
    if (enabled !== undefined && typeof enabled !== 'boolean') throw new InvalidRequestError('enabled must be true or false', 'enabled');
    // The change applies to the key as the file has it now (another replica may have changed it).
    // The registry's key is then changed in place: requests holding it see the change at once.
    await this.changes().change((onDisk) => {
      const stored = onDisk.find((candidate) => candidate.id === id);
      // A PROXY_API_KEYS key's first change: its settings enter the file (the secret stays the environment's).
      const key = stored ?? (registered?.source === 'static' ? { ...registered, ...NO_LIMITS, enabled: true, digest: '' } : notFound(id));
      if (typeof name === 'string' && name !== key.name) {
        if (key.source === 'static') throw new InvalidRequestError(`The key "${key.name}" is named in PROXY_API_KEYS: rename it there`, 'name', 'key_env_name');
        this.assertNameFree(name, onDisk);
      }
      const next: ClientKey = { ...key, ...applied(key, policy), ...(typeof name === 'string' ? { name } : {}), ...(typeof enabled === 'boolean' ? { enabled } : {}) };
      return stored ? onDisk.map((candidate) => (candidate.id === id ? next : candidate)) : [...onDisk, next];
    });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    this.assertChangeable(id, 'delete');
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

  /**
   * PROXY_API_KEY is read-only; a PROXY_API_KEYS key can be changed (its limits, enabled) but not
   * deleted or renamed here; a created key is looked for in the file (it may be another
   * replica's, made just now). The key of this registry, when it has one.
   */
  private assertChangeable(id: string, action: 'change' | 'delete'): ClientKey | undefined {
    const key = this.byId.get(id);
    if (!key && !this.sync) notFound(id);
    if (key?.source === 'default') throw new InvalidRequestError(`The key "${key.name}" is PROXY_API_KEY: it has no limits and cannot be changed here`, null, 'key_read_only');
    if (key?.source === 'static' && action === 'delete') throw new InvalidRequestError(`The key "${key.name}" comes from PROXY_API_KEYS: remove it there`, null, 'key_read_only');
    return key;
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

  private view(key: ClientKey, usage: ClientKeyUsage): ClientKeyView {
    return {
      id: key.id,
      name: key.name,
      source: key.source,
      readOnly: key.source === 'default',
      deletable: key.source === 'created',
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

  /**
   * The created keys as the file has them now (ClientKeysSync calls it after each read and
   * change): removed ones gone, changed ones updated in place (requests holding them see the
   * change), new ones added.
   */
  private reconcile(keys: readonly ClientKey[]): void {
    const path = this.sync!.file.path;
    const inFile = new Map(keys.map((key) => [key.id, key]));
    for (const key of this.created()) if (inFile.get(key.id)?.digest !== key.digest) this.forget(key);
    // PROXY_API_KEYS keys take the limits and state the file holds for them (none: no limits).
    for (const key of this.byId.values()) {
      if (key.source !== 'static') continue;
      const settings = inFile.get(key.id);
      const { models, accounts, rateLimitPerMinute, dailyCredits, monthlyCredits, enabled } = settings?.source === 'static' ? settings : { ...NO_LIMITS, enabled: true };
      Object.assign(key, { models, accounts, rateLimitPerMinute, dailyCredits, monthlyCredits, enabled });
      this.policies.delete(key.id);
    }
    for (const key of keys) {
      if (key.source === 'static') continue;
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
    this.budgets.forget(key);
  }

}

/** How often the keys file is checked for changes made by another replica. */
const RELOAD_MS = 2_000;

/** A change waits this long for another replica's (a change takes milliseconds), then is refused with a 503. */
const LOCK_WAIT_MS = 5_000;

/** The keys file's lock is taken over once this old: its holder died. */
const LOCK_STALE_MS = 10_000;


function notFound(id: string): never {
  throw new NotFoundError(`No client key with the id "${id.slice(0, 80)}"`, 'key_not_found');
}


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
