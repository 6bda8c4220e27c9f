/**
 * The budget periods of a client key, in UTC: the day (from 00:00) and the calendar month (from
 * the 1st, 00:00). Pure: the counters are keyed by the period's start, so spend rolls over by
 * itself at the boundary.
 */
export type BudgetPeriod = 'daily' | 'monthly';
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['daily', 'monthly'];

export interface PeriodWindow {
  period: BudgetPeriod;
  /** Epoch ms of the period's first instant. */
  start: number;
  /** Epoch ms of the next period's first instant: when the budget resets. */
  resetsAt: number;
  /** `d20261201` / `m202612`: the counter's name for this period. */
  label: string;
}

export function periodWindow(period: BudgetPeriod, now: number): PeriodWindow {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (period === 'daily') {
    const day = date.getUTCDate();
    return { period, start: Date.UTC(year, month, day), resetsAt: Date.UTC(year, month, day + 1), label: `d${year}${pad(month + 1)}${pad(day)}` };
  }
  return { period, start: Date.UTC(year, month, 1), resetsAt: Date.UTC(year, month + 1, 1), label: `m${year}${pad(month + 1)}` };
}

const pad = (n: number): string => String(n).padStart(2, '0');
