import { Logger } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';
import type { Clock } from '../common/clock';
import { BUDGET_PERIODS, type BudgetPeriod, periodWindow } from './budget-periods';
import { type ClientKey, type ClientKeyUsage, MAX_CLIENT_KEYS, type PeriodUsage } from './client-key';
import { BudgetExceededError } from './client-key-errors';
import type { SpendFile } from './client-keys-file';
import type { SpendCounterStore } from './spend-counter-store';
import { SpendLedger } from './spend-ledger';

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

/** How often a process without Redis writes the keys' spend to disk (and at shutdown). */
const USAGE_SAVE_MS = 15_000;

/** Counters live a day past their period, so a replica with a skewed clock still finds them. */
const MARGIN_MS = 86_400_000;

/**
 * The keys' budgets: credits and requests per key and UTC day and month ({@link SpendLedger},
 * shared through Redis by the replicas, else kept in `usageFile` across restarts), a request
 * refused past a budget, and the news of a budget reached, once per key and period.
 */
export class KeyBudgets {
  private readonly logger = new Logger('ClientKeys');
  private readonly ledger: SpendLedger;
  private readonly reached = new Subject<BudgetReachedEvent>();
  private readonly notified = new Set<string>();
  private lastSharedWarning = 0;
  private usageTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    shared: SpendCounterStore | undefined,
    /** Without Redis, the spend of the current day and month is kept here across restarts. */
    private readonly usageFile: SpendFile | undefined,
  ) {
    this.ledger = new SpendLedger({
      shared,
      now: () => clock.now(),
      refreshMs: SHARED_REFRESH_MS,
      // A key's current periods take 4 counters (credits and requests, day and month), its ended
      // ones up to 4 more while they linger: the current ones of every key always fit.
      maxCells: MAX_CLIENT_KEYS * 8,
      lingerMs: MARGIN_MS,
      onSharedFailure: (err) => this.warnShared(err),
    });
  }

  /** Told once per key and period when a request's credits reach its budget. */
  get budgetReached(): Observable<BudgetReachedEvent> {
    return this.reached.asObservable();
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

  /** Each key's usage today and this month, read from the shared store now. */
  async usages(keys: readonly ClientKey[]): Promise<ClientKeyUsage[]> {
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

  /** A deleted key's counters go: they no longer take room from the live keys'. */
  forget(key: ClientKey): void {
    this.ledger.drop((name) => keyIdOf(name) === key.id);
  }

  /** The spend kept on disk (no Redis), then saved every USAGE_SAVE_MS while it changes. */
  async start(): Promise<void> {
    const file = this.usageFile;
    if (!file) return;
    try {
      this.ledger.seed(await file.load());
    } catch (err) {
      this.logger.warn(`${file.path} cannot be read (${(err as Error).message}): today's and this month's key spend start from 0`);
    }
    this.usageTimer = setInterval(() => void this.save(), USAGE_SAVE_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.usageTimer);
    await this.save();
  }

  private async save(): Promise<void> {
    if (!this.usageFile || !this.ledger.dirty) return;
    try {
      await this.usageFile.save(this.ledger.snapshot());
    } catch (err) {
      this.logger.warn(`Key spend cannot be saved to ${this.usageFile.path} (${(err as Error).message})`);
    }
  }

  private notify(key: ClientKey, period: BudgetPeriod, limit: number, used: number, resetsAt: number): void {
    const id = `${key.id}:${periodWindow(period, this.clock.now()).label}:${limit}`;
    if (this.notified.has(id)) return;
    if (this.notified.size >= MAX_CLIENT_KEYS * 4) this.notified.clear();
    this.notified.add(id);
    this.logger.warn(`Client key "${key.name}" reached its ${period} budget (${round(used)} of ${limit} Kiro credits); refused until ${new Date(resetsAt).toISOString()}`);
    this.reached.next({ keyId: key.id, keyName: key.name, period, limit, used: round(used), resetsAt: new Date(resetsAt).toISOString() });
  }

  private warnShared(err: Error): void {
    const now = this.clock.now();
    if (now - this.lastSharedWarning < 10_000) return;
    this.lastSharedWarning = now;
    this.logger.warn(`Shared key spend unavailable, counting on this replica: ${err.message}`);
  }
}

const counter = (what: 'credits' | 'requests', key: ClientKey, label: string): string => `${what}:${key.id}:${label}`;

/** The key id in a {@link counter} name (ids hold no colon). */
const keyIdOf = (name: string): string => name.slice(name.indexOf(':') + 1, name.lastIndexOf(':'));

const limitOf = (key: ClientKey, period: BudgetPeriod): number | undefined => (period === 'daily' ? key.dailyCredits : key.monthlyCredits);

const round = (n: number): number => Math.round(n * 1e6) / 1e6;
