import { budgetAlert, QuotaAlertMemory, quotaAlert, refreshFailedAlert, suspendedAlert, ThrottleCounter, throttledAlert } from './alert-rules';

const AT = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('quotaAlert', () => {
  it('raises nothing below the threshold, and an alert at or past it with the numbers', () => {
    expect(quotaAlert('a', { used: 899, limit: 1000, remaining: 101, nextResetAt: undefined }, 90, AT)).toBeUndefined();
    expect(quotaAlert('a', { used: 950, limit: 1000, remaining: 50, nextResetAt: Date.UTC(2027, 0, 1) }, 90, AT)).toEqual({
      kind: 'quota_threshold',
      subject: 'a',
      variant: `threshold:${Date.UTC(2027, 0, 1)}`,
      summary: 'Account "a" has used 95% of its Kiro credits (950 of 1000; threshold 90%).',
      details: { account: 'a', used: 950, limit: 1000, remaining: 50, percentUsed: 95, thresholdPercent: 90, resetsAt: '2027-01-01T00:00:00.000Z' },
      at: AT,
    });
  });

  it('counts a spent quota, and ignores an account whose limit is unknown', () => {
    expect(quotaAlert('a', { used: 1000, limit: 1000, remaining: 0, nextResetAt: undefined }, 100, AT)?.details.percentUsed).toBe(100);
    expect(quotaAlert('a', { used: 1000, limit: 1000, remaining: 0, nextResetAt: undefined }, 100, AT)?.variant).toBe('spent:no-reset');
    expect(quotaAlert('a', { used: 5, limit: 0, remaining: 0, nextResetAt: undefined }, 1, AT)).toBeUndefined();
  });
});

describe(ThrottleCounter.name, () => {
  it('fires at the N-th throttle within the window, then starts over', () => {
    const counter = new ThrottleCounter(3, 60_000);

    expect([counter.record('a', 0), counter.record('a', 10_000), counter.record('b', 15_000), counter.record('a', 20_000)]).toEqual([false, false, false, true]);
    expect(counter.record('a', 21_000)).toBe(false);
  });

  it('forgets throttles older than the window', () => {
    const counter = new ThrottleCounter(2, 60_000);

    expect(counter.record('a', 0)).toBe(false);
    expect(counter.record('a', 60_001)).toBe(false);
    expect(counter.record('a', 60_002)).toBe(true);
  });

  it('keeps at most its bound of accounts', () => {
    const counter = new ThrottleCounter(5, 60_000, 10);
    for (let i = 0; i < 100; i++) counter.record(`account-${i}`, i);

    expect(counter.subjects).toBe(10);
  });
});

describe('the alerts raised', () => {
  it('say what happened, to what, in words and fields', () => {
    expect(suspendedAlert('c', 'Kiro suspended this account', AT)).toEqual({
      kind: 'account_suspended',
      subject: 'c',
      summary: 'Account "c" was suspended by Kiro: it serves no request until an operator enables it again.',
      details: { account: 'c', reason: 'Kiro suspended this account' },
      at: AT,
    });
    expect(throttledAlert('a', 5, 600_000, AT).summary).toBe('Account "a" was throttled by Kiro 5 times in 10 min.');
    expect(refreshFailedAlert('a', 'refused', AT).details).toEqual({ account: 'a', outcome: 'refused' });
    expect([refreshFailedAlert('a', 'refused', AT).variant, refreshFailedAlert('a', 'failed', AT).variant]).toEqual(['refused', 'failed']);
    expect(budgetAlert({ key: 'ci-bot', period: 'day', limit: 50, used: 50.2, resetsAt: Date.UTC(2026, 11, 2) }, AT)).toEqual({
      kind: 'budget_reached',
      subject: 'ci-bot',
      variant: `day:${Date.UTC(2026, 11, 2)}:50`,
      summary: 'Client key "ci-bot" reached its daily budget of 50 Kiro credits (50.2 used); it is refused until 2026-12-02T00:00:00.000Z.',
      details: { key: 'ci-bot', period: 'day', limit: 50, used: 50.2, resetsAt: '2026-12-02T00:00:00.000Z' },
      at: AT,
    });
  });
});

describe(QuotaAlertMemory.name, () => {
  it('reports an account past the threshold once per quota period, and again when it is spent', () => {
    const memory = new QuotaAlertMemory();
    const january = Date.UTC(2027, 0, 1);
    const february = Date.UTC(2027, 1, 1);

    expect([memory.isNews('a', january, false), memory.isNews('a', january, false), memory.isNews('b', january, false)]).toEqual([true, false, true]);
    expect([memory.isNews('a', january, true), memory.isNews('a', january, true), memory.isNews('a', january, false)]).toEqual([true, false, false]);
    expect(memory.isNews('a', february, false)).toBe(true);
  });
});
