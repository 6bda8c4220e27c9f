import { MeteringLedger, parseUsageLimits } from './usage-limits';

describe(parseUsageLimits.name, () => {
  it('prefers the precise numbers and adds an active free trial and active bonuses', () => {
    const usage = parseUsageLimits(
      JSON.stringify({
        subscriptionInfo: { subscriptionTitle: 'KIRO PRO+', overageCapability: 'OVERAGE_CAPABLE' },
        nextDateReset: 1_767_225_600,
        overageConfiguration: { overageStatus: 'DISABLED' },
        usageBreakdownList: [
          {
            resourceType: 'CREDIT',
            currentUsage: 720,
            currentUsageWithPrecision: 720.81,
            usageLimit: 2000,
            usageLimitWithPrecision: 2000,
            freeTrialInfo: { freeTrialStatus: 'ACTIVE', usageLimitWithPrecision: 500, currentUsageWithPrecision: 100 },
            bonuses: [{ status: 'ACTIVE', usageLimit: 50, currentUsage: 0 }, { status: 'EXPIRED', usageLimit: 900, currentUsage: 0 }],
          },
        ],
      }),
      42,
    );

    expect(usage).toEqual({
      plan: 'KIRO PRO+',
      used: 820.81,
      limit: 2550,
      remaining: 1729.19,
      nextResetAt: 1_767_225_600_000,
      overageStatus: 'DISABLED',
      overageCapability: 'OVERAGE_CAPABLE',
      fetchedAt: 42,
    });
  });

  it('reads a sparse answer as zeros', () => {
    expect(parseUsageLimits('{"usageBreakdownList":null}', 0)).toMatchObject({ used: 0, limit: 0, remaining: 0, plan: undefined, nextResetAt: undefined });
  });

  it('refuses what is not an object', () => {
    expect(() => parseUsageLimits('[]', 0)).toThrow('not a JSON object');
  });
});

describe(MeteringLedger.name, () => {
  it('adds every metering event per model and UTC day', () => {
    const ledger = new MeteringLedger();
    const day = Date.UTC(2026, 11, 1, 10);
    ledger.add('claude-sonnet-4.5', 0.25, day);
    ledger.add('claude-sonnet-4.5', 0.5, day);
    ledger.add('auto', 1, day + 86_400_000);

    expect(ledger.toJSON()).toEqual({
      '2026-12-01': { 'claude-sonnet-4.5': { credits: 0.75, requests: 2 } },
      '2026-12-02': { auto: { credits: 1, requests: 1 } },
    });
    expect(ledger.creditsOn('2026-12-01')).toBe(0.75);
  });

  it('keeps a bounded number of days and models', () => {
    const ledger = new MeteringLedger(2, 1);
    for (let d = 0; d < 3; d++) ledger.add('a', 1, d * 86_400_000);
    ledger.add('b', 1, 2 * 86_400_000);

    expect(Object.keys(ledger.toJSON())).toEqual(['1970-01-02', '1970-01-03']);
    expect(ledger.toJSON()['1970-01-03']).toEqual({ a: { credits: 1, requests: 1 }, other: { credits: 1, requests: 1 } });
  });
});
