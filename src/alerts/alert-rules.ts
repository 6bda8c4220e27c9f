import type { AccountUsage } from '../accounts/usage-limits';
import type { Alert, BudgetReached } from './alert';

/** The alerts each watched event raises, and the small bounded state two of them need. Pure. */

export function suspendedAlert(account: string, reason: string | undefined, at: number): Alert {
  return {
    kind: 'account_suspended',
    subject: account,
    summary: `Account "${account}" was suspended by Kiro: it serves no request until an operator enables it again.`,
    details: { account, reason: reason ?? null },
    at,
  };
}

/** An account past `thresholdPercent` of its credit limit (a spent one included), else nothing. */
export function quotaAlert(account: string, usage: Pick<AccountUsage, 'used' | 'limit' | 'remaining' | 'nextResetAt'>, thresholdPercent: number, at: number): Alert | undefined {
  if (!(usage.limit > 0)) return undefined;
  const percent = (usage.used / usage.limit) * 100;
  if (percent < thresholdPercent) return undefined;
  const shown = Math.floor(percent * 10) / 10;
  return {
    kind: 'quota_threshold',
    subject: account,
    // Past the threshold, then spent: two alerts of one quota period, each sent.
    variant: `${usage.remaining <= 0 ? 'spent' : 'threshold'}:${usage.nextResetAt ?? 'no-reset'}`,
    summary: `Account "${account}" has used ${shown}% of its Kiro credits (${usage.used} of ${usage.limit}; threshold ${thresholdPercent}%).`,
    details: {
      account,
      used: usage.used,
      limit: usage.limit,
      remaining: usage.remaining,
      percentUsed: shown,
      thresholdPercent,
      resetsAt: usage.nextResetAt === undefined ? null : new Date(usage.nextResetAt).toISOString(),
    },
    at,
  };
}

export function throttledAlert(account: string, count: number, windowMs: number, at: number): Alert {
  return {
    kind: 'account_throttled',
    subject: account,
    summary: `Account "${account}" was throttled by Kiro ${count} times in ${formatWindow(windowMs)}.`,
    details: { account, throttles: count, windowSeconds: Math.round(windowMs / 1000) },
    at,
  };
}

export function refreshFailedAlert(account: string, outcome: 'refused' | 'failed', at: number): Alert {
  const meaning = outcome === 'refused' ? 'the token service refused the refresh token: log in again and update it' : 'the token service could not be reached or failed: requests go on while the current token lasts';
  return {
    kind: 'refresh_failed',
    subject: account,
    // A refresh that failed, then one refused (log in again): the second is news.
    variant: outcome,
    summary: `Account "${account}": the token refresh ${outcome === 'refused' ? 'was refused' : 'failed'} (${meaning}).`,
    details: { account, outcome },
    at,
  };
}

export function budgetAlert(budget: BudgetReached, at: number): Alert {
  return {
    kind: 'budget_reached',
    subject: budget.key,
    // The daily and the monthly budget, each once per period (a period ends at its reset), and a
    // budget raised and reached again within the period.
    variant: `${budget.period}:${budget.resetsAt}:${budget.limit}`,
    summary: `Client key "${budget.key}" reached its ${budget.period === 'day' ? 'daily' : 'monthly'} budget of ${budget.limit} Kiro credits (${budget.used} used); it is refused until ${new Date(budget.resetsAt).toISOString()}.`,
    details: { key: budget.key, period: budget.period, limit: budget.limit, used: budget.used, resetsAt: new Date(budget.resetsAt).toISOString() },
    at,
  };
}

export function testAlert(at: number): Alert {
  return { kind: 'test', subject: 'test', summary: 'A test alert from the admin console: the webhook works.', details: {}, at };
}

function formatWindow(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * Throttles per account within a sliding window: at most `count` times kept per account and at
 * most `maxSubjects` accounts (names come from the operator, but the bound costs nothing).
 */
export class ThrottleCounter {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly count: number,
    private readonly windowMs: number,
    private readonly maxSubjects = 1_000,
  ) {}

  /** Records one throttle; true when it is the `count`-th within the window (the counter then starts over). */
  record(subject: string, now: number): boolean {
    const recent = (this.times.get(subject) ?? []).filter((t) => t > now - this.windowMs);
    recent.push(now);
    this.times.delete(subject);
    if (recent.length >= this.count) return true;
    this.times.set(subject, recent);
    if (this.times.size > this.maxSubjects) this.times.delete(this.times.keys().next().value as string);
    return false;
  }

  get subjects(): number {
    return this.times.size;
  }
}

/**
 * Which quota alerts were raised this quota period: an account past the threshold is reported
 * once per period (its reset date), and once more when it is spent; not at every usage read.
 * Bounded like the throttle counter.
 */
export class QuotaAlertMemory {
  private readonly raised = new Map<string, { period: number | undefined; level: 1 | 2 }>();

  constructor(private readonly maxSubjects = 1_000) {}

  /** True when this reading is news: a new period, or a higher level (1 past the threshold, 2 spent). */
  isNews(account: string, period: number | undefined, spent: boolean): boolean {
    const level = spent ? 2 : 1;
    const last = this.raised.get(account);
    if (last && last.period === period && last.level >= level) return false;
    this.raised.delete(account);
    this.raised.set(account, { period, level });
    if (this.raised.size > this.maxSubjects) this.raised.delete(this.raised.keys().next().value as string);
    return true;
  }
}
