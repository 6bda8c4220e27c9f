import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { defer, finalize, type MonoTypeOperatorFunction, tap } from 'rxjs';
import { AuthService, type Principal } from '../auth';
import { loadGatewayCredential } from '../auth/credential-loader';
import { CredentialStore } from '../auth/credential-store';
import { readKiroCliCredential } from '../auth/kiro-cli-store';
import { detectFlow, type KiroCredential } from '../auth/kiro-credential';
import { SharedTokenStore } from '../auth/shared-token-store';
import { TokenManager } from '../auth/token-manager';
import { TokenRefresher } from '../auth/token-refresher';
import { ClientKeysService } from '../client-keys/client-keys.service';
import { AlertsService } from '../alerts/alerts.service';
import { Clock } from '../common/clock';
import { GatewayError, InvalidRequestError, NotFoundError, UpstreamThrottledError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import type { AssistantEvent } from '../converter';
import type { KiroSession, KiroUpstream } from '../kiro';
import { AccountThrottledError } from '../kiro/kiro-errors';
import { KiroTransport } from '../kiro/kiro-transport';
import { MetricsService } from '../metrics/metrics.service';
import { type AccountState, type AccountVerdict, describeState, HEALTHY, verdictFor } from './account-health';
import { AccountPool, NoAccountAvailableError, type PooledAccount } from './account-pool';
import { ApiKeySession, type AccountSession, RefreshingAccountSession } from './account-session';
import { type AccountSpec, MAX_ACCOUNTS, maskProxy, parseAccountEntry } from './account-spec';
import { AccountsFileStore } from './accounts-file-store';
import { PoolStateSync } from './pool-state-sync';
import { RecentCredits } from './recent-credits';
import { type AccountUsage, MeteringLedger } from './usage-limits';
import { fetchUsageLimits } from './usage-limits-client';

/** What a request holds while an account serves it. */
export interface RequestLease {
  readonly session: KiroSession;
  /** The pooled account's name; undefined for a tenant's own login. */
  readonly account: string | undefined;
  /**
   * Follows the answer to its end: counts its credits, judges a mid-stream failure (no failover
   * then: bytes reached the client) and frees the account's slot when the stream ends.
   */
  track(kiroModelId: string): MonoTypeOperatorFunction<AssistantEvent>;
  /** Frees the account's slot now, for work that is no answer stream (a web search); freeing it twice is harmless. */
  release(): void;
}

export interface ServeRequest {
  /** The model the client asked for. */
  model: string;
  signal: AbortSignal;
  /** The request's session-affinity key (kiro-protocol.md §9.2), computed only if the pool uses it. */
  affinityKey?: () => string | undefined;
}

/** An account as the admin API and /health show it: no token, key or proxy password. */
export interface AccountView {
  name: string;
  kind: 'refresh-token' | 'api-key';
  source: string;
  state: AccountState;
  priority: number;
  weight: number;
  maxConcurrency: number | null;
  inFlight: number;
  inFlightOtherReplicas: number;
  served: number;
  failed: number;
  proxy: string | undefined;
  tokenExpiresAt: string | undefined;
  usage: AccountUsage | undefined;
  metering: ReturnType<MeteringLedger['toJSON']>;
  /** The last failure that was the account's (not the request's), for the console. */
  lastError: AccountError | undefined;
}

export interface AccountError {
  at: string;
  code: string | null;
  message: string;
}

interface AccountRecord {
  spec: AccountSpec | undefined;
  source: string;
  usage?: AccountUsage;
  metering: MeteringLedger;
  usageTimer?: NodeJS.Timeout;
  usageInflight?: Promise<AccountUsage>;
  lastError?: AccountError;
}

/** At most this many accounts tried for one request. */
const MAX_FAILOVERS = 8;
const AFFINITY_CAPACITY = 10_000;
const STATE_LABEL = ['healthy', 'cooling', 'disabled'] as const;

/**
 * The account pool as the rest of the gateway sees it: "serve this request on some account", with
 * failover before the first byte, affinity, quotas and the operator's controls. Tenants
 * (`KEY:REFRESH_TOKEN`) keep their own login and never touch the pool.
 */
@Injectable()
export class AccountsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Accounts');
  readonly pool: AccountPool<AccountSession>;
  private readonly records = new Map<string, AccountRecord>();
  private readonly file: AccountsFileStore | undefined;
  private readonly stateChanges: Counter<'account' | 'state' | 'reason'>;
  private readonly credits: Counter<'model' | 'account'>;
  /** What each model's metered answers cost lately: the charge of a key's answer cut off before its metering. */
  private readonly recentCredits = new RecentCredits();

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly auth: AuthService,
    @Inject(TokenRefresher) private readonly refresher: TokenRefresher,
    @Inject(Clock) private readonly clock: Clock,
    private readonly credentialStore: CredentialStore,
    @Inject(KiroTransport) private readonly transport: KiroTransport,
    private readonly metrics: MetricsService,
    @Optional() @Inject(SharedTokenStore) private readonly shared?: SharedTokenStore | null,
    @Optional() private readonly sync?: PoolStateSync,
    @Optional() private readonly keys?: ClientKeysService,
    @Optional() private readonly alerts?: AlertsService,
  ) {
    const accounts = config.accounts;
    this.file = accounts.file ? new AccountsFileStore(accounts.file) : undefined;
    this.pool = new AccountPool<AccountSession>({
      strategy: accounts.strategy,
      queueSize: accounts.queueSize,
      queueTimeoutMs: accounts.queueTimeoutMs,
      affinityTtlMs: Math.max(1, accounts.affinityTtlMs),
      affinityCapacity: AFFINITY_CAPACITY,
      now: () => clock.now(),
      onStateChange: (name, from, to) => this.onStateChange(name, from, to),
    });
    this.stateChanges = new Counter({
      name: 'kiro_gateway_account_state_changes_total',
      help: 'Account state changes by account, new state and reason (kiro-protocol.md §9.1).',
      labelNames: ['account', 'state', 'reason'] as const,
      registers: [metrics.registry],
    });
    const pool = this.pool;
    new Gauge({
      name: 'kiro_gateway_account_state',
      help: '1 for the state each account is in (healthy, cooling, disabled).',
      labelNames: ['account', 'state'] as const,
      registers: [metrics.registry],
      collect() {
        for (const account of pool.list()) for (const state of STATE_LABEL) this.set({ account: account.name, state }, account.state.kind === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kiro_gateway_account_in_flight',
      help: 'Requests each account serves right now on this replica.',
      labelNames: ['account'] as const,
      registers: [metrics.registry],
      collect() {
        for (const account of pool.list()) this.set({ account: account.name }, account.inFlight);
      },
    });
    this.credits = new Counter({
      name: 'kiro_gateway_credits_total',
      help: "Kiro credits spent (every meteringEvent, kiro-protocol.md §9.4), by Kiro model and account (a tenant's own login by its tenant label).",
      labelNames: ['model', 'account'] as const,
      registers: [metrics.registry],
    });
    const records = this.records;
    new Gauge({
      name: 'kiro_gateway_account_remaining_credits',
      help: "Each account's remaining credits, as getUsageLimits last said.",
      labelNames: ['account'] as const,
      registers: [metrics.registry],
      collect() {
        for (const [name, record] of records) if (record.usage) this.set({ account: name }, record.usage.remaining);
      },
    });
  }

  async onModuleInit(): Promise<void> {
    const { list, file } = this.config.accounts;
    if (file) {
      for (const spec of list) await this.addAccount(spec);
      this.logger.log(`${list.length} Kiro account(s) from ${file} (${this.config.accounts.strategy})`);
    } else if (this.auth.status().mode === 'own-credentials') {
      // The single-credential settings: a pool of one, its login still managed by AuthService.
      const session = this.auth.sessionFor({ kind: 'gateway' }) as KiroSession & { expiresAt: number | undefined };
      this.pool.add({ name: 'default', priority: 0, weight: 1, maxConcurrency: this.config.accounts.maxConcurrency, session: new RefreshingAccountSession(session, undefined, undefined) });
      this.records.set('default', { spec: undefined, source: this.auth.status().source ?? 'own credentials', metering: new MeteringLedger() });
      this.scheduleUsage('default');
    }
    await this.sync?.start(this.pool, (name) => this.records.has(name));
  }

  onApplicationShutdown(): void {
    for (const record of this.records.values()) clearTimeout(record.usageTimer);
    this.sync?.stop();
  }

  /**
   * Serves one request: an account from the pool (or the tenant's own login), and on an account's
   * failure before the first byte the next account, never one already tried. What `attempt`
   * returns has already received Kiro's first bytes (KiroClient), so nothing is ever replayed
   * after bytes reached the client. Request errors (every 400) go straight back.
   */
  async serve<T>(principal: Principal, request: ServeRequest, attempt: (lease: RequestLease) => Promise<T>): Promise<T> {
    if (principal.kind === 'tenant' || this.pool.size === 0) {
      const label = this.metrics.principalLabel(principal);
      const track = (model: string): MonoTypeOperatorFunction<AssistantEvent> => (source) => source.pipe(tap((event) => this.countCredits(event, model, label, principal)), this.chargeCutOff(model, principal));
      return attempt({ session: this.auth.sessionFor(principal), account: undefined, track, release: () => undefined });
    }
    // A key limited to some accounts fails over among those only.
    const allowed = allowedAccountsOf(principal);
    const affinityKey = this.config.accounts.affinityTtlMs > 0 ? request.affinityKey?.() : undefined;
    if (affinityKey) await this.sync?.loadPin(this.pool, affinityKey);
    const tried = new Set<string>();
    let lastError: unknown;
    for (let round = 0; round < MAX_FAILOVERS; round++) {
      let lease;
      try {
        lease = await this.pool.acquire({ model: request.model, affinityKey, tried, allowed, signal: request.signal });
      } catch (err) {
        // Every account has been tried: the client gets what the last one said.
        if (lastError !== undefined && err instanceof NoAccountAvailableError) throw lastError;
        throw err;
      }
      const account = lease.account;
      tried.add(account.name);
      if (affinityKey) this.sync?.savePin(affinityKey, account.name, this.config.accounts.affinityTtlMs);
      const release = () => {
        lease.release();
        request.signal.removeEventListener('abort', release);
      };
      // A client gone before anyone subscribed must still free the slot.
      request.signal.addEventListener('abort', release, { once: true });
      try {
        return await attempt({ session: account.session, account: account.name, track: (model) => this.tracker(account, model, release, principal), release });
      } catch (err) {
        // Judged before the slot is freed: a waiter handed the slot must see the account's new state.
        const verdict = verdictFor(err);
        this.judge(account, verdict, request.model, err);
        release();
        if (!verdict.failover || request.signal.aborted) throw err;
        lastError = err;
        if (verdict.effect !== 'none') this.logger.warn(`Account "${account.name}" could not serve a request (${(err as Error).message}); trying another account`);
      }
    }
    throw lastError;
  }

  private tracker(account: PooledAccount<AccountSession>, model: string, release: () => void, principal: Principal): MonoTypeOperatorFunction<AssistantEvent> {
    return (source) =>
      source.pipe(
        tap({
          next: (event) => {
            if (event.type === 'end' && event.usage.credits !== undefined) this.records.get(account.name)?.metering.add(model, event.usage.credits, this.clock.now());
            this.countCredits(event, model, account.name, principal);
          },
          // After the first byte nothing is replayed, but what Kiro said still counts for the account.
          error: (err: unknown) => this.judge(account, verdictFor(err), model, err),
        }),
        this.chargeCutOff(model, principal),
        finalize(release),
      );
  }

  /**
   * An answer that had started and ended before Kiro's meteringEvent — the client left, or the
   * stream failed mid-answer — cost the account credits no event reported. The caller's key is
   * charged what the model's metered answers cost lately (RecentCredits; nothing before the
   * first), so a client cannot spend past its budget by hanging up early. An answer Kiro ended
   * without metering, and a call that failed before any content (asked again), are not charged.
   */
  private chargeCutOff(model: string, principal: Principal): MonoTypeOperatorFunction<AssistantEvent> {
    const key = principal.key;
    const keys = this.keys;
    if (!key || !keys) return (source) => source;
    return (source) =>
      defer(() => {
        let started = false;
        let ended = false;
        return source.pipe(
          tap({
            next: (event) => {
              if (event.type === 'end') ended = true;
              else started = true;
            },
            complete: () => (ended = true),
          }),
          finalize(() => {
            const estimate = started && !ended ? this.recentCredits.mean(model) : undefined;
            if (estimate !== undefined) keys.spend(key, estimate);
          }),
        );
      });
  }

  /**
   * The answer's credits in /metrics (account names are the operator's, never a token) and
   * against the budgets of the client key that asked: the same figure for both.
   */
  private countCredits(event: AssistantEvent, model: string, account: string, principal: Principal): void {
    if (event.type === 'end' && event.usage.credits !== undefined && event.usage.credits > 0) {
      this.credits.inc({ model: this.metrics.modelLabel(model), account }, event.usage.credits);
      this.recentCredits.record(model, event.usage.credits);
      if (principal.key) this.keys?.spend(principal.key, event.usage.credits);
    }
  }

  private judge(account: PooledAccount<AccountSession>, verdict: AccountVerdict, model: string, err: unknown): void {
    // Failures that say something about the account (or its path to Kiro), not the request's own.
    if (verdict.effect !== 'none' || verdict.failover) {
      const record = this.records.get(account.name);
      if (record) record.lastError = { at: new Date(this.clock.now()).toISOString(), code: err instanceof GatewayError ? err.code : null, message: String((err as Error)?.message ?? err).slice(0, 300) };
    }
    if (err instanceof UpstreamThrottledError || err instanceof AccountThrottledError) this.alerts?.accountThrottled(account.name);
    this.pool.report(account, verdict, model, this.records.get(account.name)?.usage?.nextResetAt);
    // §9.3: after a 402 the reset date comes from getUsageLimits, read now.
    if (verdict.effect === 'disable' && verdict.reason === 'quota_exhausted') this.refreshUsage(account.name).catch(() => undefined);
  }

  private onStateChange(name: string, from: AccountState, to: AccountState): void {
    const line = `Account "${name}": ${describeState(from)} → ${describeState(to)}`;
    if (to.kind === 'healthy') this.logger.log(line);
    else this.logger.warn(line);
    this.stateChanges.inc({ account: name, state: to.kind, reason: to.kind === 'healthy' ? '' : to.reason });
    this.sync?.publishState(name, to);
    if (to.kind === 'disabled' && to.reason === 'suspended') this.alerts?.accountSuspended(name, this.records.get(name)?.lastError?.message);
    if (to.kind === 'disabled' && to.reason === 'refresh_refused') this.alerts?.refreshFailed(name, 'refused');
  }

  /** A session for the model catalog: the first healthy account's among those `allowed` (a key's accounts; undefined: any). */
  catalogSession(allowed?: ReadonlySet<string>): KiroSession | undefined {
    const accounts = this.pool.list().filter((account) => !allowed || allowed.has(account.name));
    return (accounts.find((account) => account.state.kind === 'healthy') ?? accounts[0])?.session;
  }

  /** Whether some account can serve (readiness). */
  check(): { ok: boolean; cause?: string } {
    if (this.pool.size === 0) return { ok: true };
    return this.pool.list().some((account) => account.state.kind !== 'disabled') ? { ok: true } : { ok: false, cause: 'no_account_available' };
  }

  list(): AccountView[] {
    return this.pool.list().map((account) => this.view(account));
  }

  view(account: PooledAccount<AccountSession>): AccountView {
    const record = this.records.get(account.name);
    const expiresAt = account.session.expiresAt;
    return {
      name: account.name,
      kind: account.session.kind,
      source: record?.source ?? '',
      state: account.state,
      priority: account.priority,
      weight: account.weight,
      maxConcurrency: account.maxConcurrency ?? null,
      inFlight: account.inFlight,
      inFlightOtherReplicas: account.remoteInFlight,
      served: account.served,
      failed: account.failed,
      proxy: maskProxy(record?.spec?.proxy),
      tokenExpiresAt: expiresAt !== undefined ? new Date(expiresAt).toISOString() : undefined,
      usage: record?.usage,
      metering: record?.metering.toJSON() ?? {},
      lastError: record?.lastError,
    };
  }

  /** Reads the usage of every account that has none newer than USAGE_REFRESH_INTERVAL (a failure leaves it unknown). */
  async ensureUsage(): Promise<void> {
    const now = this.clock.now();
    const maxAge = this.config.accounts.usageRefreshMs || 600_000;
    await Promise.all(
      this.pool.list().map((account) => {
        const usage = this.records.get(account.name)?.usage;
        return usage && now - usage.fetchedAt < maxAge ? undefined : this.refreshUsage(account.name).catch(() => undefined);
      }),
    );
  }

  /** The credits the gateway's callers can still use: what the accounts able to serve have left, among those `allowed` (a key's accounts; undefined: any). */
  remaining(allowed?: ReadonlySet<string>): { remaining: number; limit: number; used: number; accounts: number; available: number; nextResetAt: number | undefined; known: boolean } {
    let remaining = 0;
    let limit = 0;
    let used = 0;
    let accounts = 0;
    let available = 0;
    let nextResetAt: number | undefined;
    let known = false;
    for (const account of this.pool.list()) {
      if (allowed && !allowed.has(account.name)) continue;
      accounts++;
      if (account.state.kind === 'disabled') continue;
      available++;
      const usage = this.records.get(account.name)?.usage;
      if (!usage) continue;
      known = true;
      remaining += usage.remaining;
      limit += usage.limit;
      used += usage.used;
      if (usage.nextResetAt !== undefined) nextResetAt = nextResetAt === undefined ? usage.nextResetAt : Math.min(nextResetAt, usage.nextResetAt);
    }
    return { remaining: round(remaining), limit: round(limit), used: round(used), accounts, available, nextResetAt, known };
  }

  /** A tenant's own usage limits, read from Kiro with the tenant's login. */
  async tenantUsage(principal: Principal): Promise<AccountUsage> {
    const session = this.auth.sessionFor(principal);
    const wrapped = new RefreshingAccountSession(session as KiroSession & { expiresAt: number | undefined }, undefined, undefined);
    return fetchUsageLimits(this.transport, wrapped, { qHost: this.config.kiro.qHost, sendProfileArn: true, now: () => this.clock.now() });
  }

  /** Reads one account's getUsageLimits now; a spent quota disables it until the reset. */
  refreshUsage(name: string): Promise<AccountUsage> {
    const record = this.records.get(name);
    if (!record) return Promise.reject(new NotFoundError(`No account named "${name}"`, 'account_not_found'));
    // One read in flight per account, however many ask.
    record.usageInflight ??= this.readUsage(name, record).finally(() => {
      record.usageInflight = undefined;
    });
    return record.usageInflight;
  }

  private async readUsage(name: string, record: AccountRecord): Promise<AccountUsage> {
    const account = this.require(name);
    const credential = record.spec?.credential;
    const idc = credential?.kind === 'refresh-token' && detectFlow({ authMethod: credential.authMethod, clientId: credential.clientId, clientSecret: credential.clientSecret }) === 'aws-sso-oidc';
    try {
      const usage = await fetchUsageLimits(this.transport, account.session, { qHost: this.config.kiro.qHost, sendProfileArn: !idc, now: () => this.clock.now() });
      record.usage = usage;
      this.alerts?.accountUsage(name, usage);
      if (usage.limit > 0 && usage.remaining <= 0 && account.state.kind !== 'disabled') {
        this.pool.report(account, { effect: 'disable', reason: 'quota_exhausted', failover: true }, undefined, usage.nextResetAt);
      } else if (account.state.kind === 'disabled' && account.state.reason === 'quota_exhausted' && usage.nextResetAt !== undefined) {
        this.pool.setState(name, { kind: 'disabled', reason: 'quota_exhausted', until: usage.nextResetAt });
      }
      return usage;
    } catch (err) {
      this.logger.warn(`Could not read the usage limits of account "${name}": ${(err as Error).message}`);
      throw err;
    }
  }

  private scheduleUsage(name: string): void {
    const every = this.config.accounts.usageRefreshMs;
    const record = this.records.get(name);
    if (!record || every <= 0) return;
    const run = () => {
      this.refreshUsage(name).catch(() => undefined).finally(() => {
        if (this.records.get(name) === record) record.usageTimer = setTimeout(run, every).unref();
      });
    };
    // The first read is on demand (/v1/usage, the admin list, a 402); then every interval, spread
    // by up to a tenth of it so N accounts do not all ask at once.
    record.usageTimer = setTimeout(run, every * (1 + Math.random() * 0.1)).unref();
  }

  // ---- the operator's controls (admin API) ----

  /** Adds an account (from the file at start, or the admin API, which then persists it). */
  async addAccount(spec: AccountSpec, persist?: Record<string, unknown>): Promise<AccountView> {
    if (this.pool.get(spec.name)) throw new InvalidRequestError(`An account named "${spec.name}" already exists`, 'name', 'account_exists');
    if (this.pool.size >= MAX_ACCOUNTS) throw new InvalidRequestError(`The pool holds its maximum of ${MAX_ACCOUNTS} accounts`, null, 'too_many_accounts');
    const session = await this.sessionFor(spec);
    if (persist) {
      if (!this.file) throw new InvalidRequestError('Accounts can be added only with KIRO_ACCOUNTS_FILE set: changes are kept there', null, 'no_accounts_file');
      await this.file.add(persist);
    }
    const account = this.pool.add({
      name: spec.name,
      priority: spec.priority,
      weight: spec.weight,
      maxConcurrency: spec.maxConcurrency ?? this.config.accounts.maxConcurrency,
      session,
      state: spec.disabled ? { kind: 'disabled', reason: 'operator' } : HEALTHY,
    });
    this.records.set(spec.name, { spec, source: describeSpecSource(spec), metering: new MeteringLedger() });
    this.scheduleUsage(spec.name);
    return this.view(account);
  }

  /** Adds an account from a raw entry (admin "add" or "import"), checked as the file is. */
  async addEntry(entry: Record<string, unknown>): Promise<AccountView> {
    const parsed = parseAccountEntry(entry, 'account');
    if (!parsed.account) throw new InvalidRequestError(`The account cannot be used: ${parsed.problems.join('; ')}`, null, 'invalid_account');
    return this.addAccount(parsed.account, entry);
  }

  async setEnabled(name: string, enabled: boolean): Promise<AccountView> {
    const account = this.require(name);
    this.pool.setState(name, enabled ? HEALTHY : { kind: 'disabled', reason: 'operator' });
    await this.persist(name, { disabled: enabled ? undefined : true });
    return this.view(account);
  }

  async updateSettings(name: string, change: { priority?: number; weight?: number; maxConcurrency?: number | null }): Promise<AccountView> {
    const account = this.require(name);
    this.pool.update(name, change);
    await this.persist(name, {
      ...(change.priority !== undefined ? { priority: change.priority } : {}),
      ...(change.weight !== undefined ? { weight: change.weight } : {}),
      ...(change.maxConcurrency !== undefined ? { maxConcurrency: change.maxConcurrency ?? undefined } : {}),
    });
    return this.view(account);
  }

  async forceRefresh(name: string): Promise<AccountView> {
    const account = this.require(name);
    if (account.session.kind === 'api-key') throw new InvalidRequestError(`Account "${name}" uses an API key, which is never refreshed`, null, 'not_refreshable');
    await account.session.forceRefresh();
    return this.view(account);
  }

  /** A cheap real call (getUsageLimits): whether the account answers, and what it says about it. */
  async test(name: string): Promise<{ ok: boolean; error?: { code: string | null; message: string }; account: AccountView }> {
    const account = this.require(name);
    try {
      await this.refreshUsage(name);
      return { ok: true, account: this.view(account) };
    } catch (err) {
      this.pool.report(account, verdictFor(err));
      const e = err as { code?: string | null; message: string };
      return { ok: false, error: { code: e.code ?? null, message: e.message }, account: this.view(account) };
    }
  }

  async remove(name: string): Promise<void> {
    this.require(name);
    if (this.file) await this.file.remove(name);
    this.pool.remove(name);
    clearTimeout(this.records.get(name)?.usageTimer);
    this.records.delete(name);
  }

  get persistent(): boolean {
    return this.file !== undefined;
  }

  private async persist(name: string, patch: Record<string, unknown>): Promise<void> {
    if (this.file && this.records.get(name)?.spec) await this.file.update(name, patch);
  }

  private require(name: string): PooledAccount<AccountSession> {
    const account = this.pool.get(name);
    if (!account) throw new NotFoundError(`No account named "${name}"`, 'account_not_found');
    return account;
  }

  private async sessionFor(spec: AccountSpec): Promise<AccountSession> {
    const regionOf = (region: string | undefined) => region ?? spec.region ?? this.config.kiro.region;
    const apiRegion = regionOf(spec.apiRegion);
    const upstream: KiroUpstream = {
      apiHost: this.config.kiro.apiHostTemplate.replaceAll('{region}', apiRegion),
      qHost: this.config.kiro.qHostTemplate.replaceAll('{region}', apiRegion),
      proxy: spec.proxy,
    };
    const credential = spec.credential;
    if (credential.kind === 'api-key') return new ApiKeySession(credential.apiKey, upstream, spec.profileArn, spec.machineId);
    let kiroCredential: KiroCredential;
    if (credential.kind === 'refresh-token') {
      kiroCredential = {
        refreshToken: credential.refreshToken,
        accessToken: credential.accessToken,
        expiresAt: credential.expiresAt,
        profileArn: spec.profileArn ?? this.config.kiro.profileArn,
        region: regionOf(spec.authRegion),
        clientId: credential.clientId,
        clientSecret: credential.clientSecret,
        flow: detectFlow({ authMethod: credential.authMethod, clientId: credential.clientId, clientSecret: credential.clientSecret }),
        source: { kind: 'account', name: spec.name, path: this.config.accounts.file ?? '' },
        machineId: spec.machineId,
      };
    } else if (credential.kind === 'creds-file') {
      const loaded = await loadGatewayCredential({ ...this.config, credentials: { ...this.config.credentials, credsFile: credential.path, refreshToken: undefined } });
      if (!loaded) throw new InvalidRequestError(`Account "${spec.name}": ${credential.path} holds no login`, null, 'invalid_account');
      kiroCredential = loaded;
    } else {
      const loaded = readKiroCliCredential(credential.path, regionOf(spec.authRegion));
      if (!loaded) throw new InvalidRequestError(`Account "${spec.name}": no kiro-cli login in ${credential.path}`, null, 'invalid_account');
      kiroCredential = loaded;
    }
    kiroCredential.proxy = spec.proxy;
    if (spec.authRegion) kiroCredential.region = spec.authRegion;
    if (spec.machineId) kiroCredential.machineId = spec.machineId;
    const manager = new TokenManager(kiroCredential, {
      refresher: this.refresher,
      clock: this.clock,
      shared: this.shared ?? undefined,
      onRefreshed: (flow, outcome) => {
        this.metrics.tokenRefreshes.inc({ flow, outcome });
        if (outcome !== 'success') this.alerts?.refreshFailed(spec.name, outcome);
      },
      onRotated: (updated) => this.writeBack(spec.name, updated),
    });
    return new RefreshingAccountSession(manager, upstream, spec.profileArn);
  }

  /** A rotated refresh token goes back where the account's login came from (kiro-protocol.md §1.6). */
  private async writeBack(name: string, credential: KiroCredential): Promise<void> {
    if (credential.source.kind !== 'account') return this.credentialStore.persist(credential);
    try {
      await this.file?.update(name, {
        refreshToken: credential.refreshToken,
        accessToken: credential.accessToken,
        expiresAt: credential.expiresAt !== undefined ? new Date(credential.expiresAt).toISOString() : undefined,
      });
    } catch (err) {
      this.logger.error(`Could not write the rotated refresh token of account "${name}" back to ${this.config.accounts.file}: ${(err as Error).message}`);
    }
  }
}

function describeSpecSource(spec: AccountSpec): string {
  switch (spec.credential.kind) {
    case 'api-key':
      return 'API key';
    case 'refresh-token':
      return 'refresh token in the accounts file';
    case 'creds-file':
      return `Kiro IDE token file ${spec.credential.path}`;
    case 'kiro-cli':
      return `kiro-cli database ${spec.credential.path}`;
  }
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

/** The pool accounts a caller's key limits it to; undefined: any (no key, or a key naming none). */
export function allowedAccountsOf(principal: Principal): ReadonlySet<string> | undefined {
  return principal.key && principal.key.accounts.length > 0 ? new Set(principal.key.accounts) : undefined;
}
