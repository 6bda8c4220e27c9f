import { Logger } from '@nestjs/common';
import type { Clock } from '../common/clock';
import { parseGatewayEnv } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { AlertsService, RECENT_ALERTS } from './alerts.service';

const clock = (now: { at: number }): Clock => ({ now: () => now.at, sleep: () => Promise.resolve() });
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe(AlertsService.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('without a webhook, lists what it raises, each (kind, subject) once per interval, and answers the test as not configured', async () => {
    const now = { at: 1_000_000 };
    const metrics = new MetricsService();
    const alerts = new AlertsService(parseGatewayEnv({ PROXY_API_KEY: 'k', ALERT_INTERVAL: '60' }), clock(now), metrics);

    alerts.accountSuspended('a');
    alerts.accountSuspended('a');
    await settle();
    now.at += 60_000;
    alerts.accountSuspended('a');
    await settle();

    expect(alerts.enabled).toBe(false);
    expect(alerts.recent().map((alert) => [alert.kind, alert.subject, alert.delivery])).toEqual([
      ['account_suspended', 'a', { outcome: 'not_configured' }],
      ['account_suspended', 'a', { outcome: 'not_configured' }],
    ]);
    expect(await alerts.sendTest()).toEqual({ outcome: 'not_configured' });
    expect(await metrics.registry.getSingleMetricAsString('kiro_gateway_alerts_total')).toContain('kiro_gateway_alerts_total{kind="account_suspended",outcome="deduplicated"} 1');
  });

  it('sends each budget period, quota level and refresh outcome of one subject, each once per interval', async () => {
    const metrics = new MetricsService();
    const alerts = new AlertsService(parseGatewayEnv({ PROXY_API_KEY: 'k', ALERT_INTERVAL: '900' }), clock({ at: 1_000_000 }), metrics);
    const daily = { key: 'ci', period: 'day', limit: 1, used: 1.02, resetsAt: Date.UTC(2026, 11, 2) } as const;
    const monthly = { key: 'ci', period: 'month', limit: 1, used: 1.02, resetsAt: Date.UTC(2027, 0, 1) } as const;
    const usage = { used: 950, limit: 1000, remaining: 50, nextResetAt: Date.UTC(2027, 0, 1) };

    // One request past both budgets.
    alerts.budgetReached(daily);
    alerts.budgetReached(monthly);
    alerts.budgetReached(monthly);
    // Past the threshold, then spent within the interval.
    alerts.accountUsage('a', usage);
    alerts.accountUsage('a', { ...usage, used: 1000, remaining: 0 });
    alerts.refreshFailed('a', 'failed');
    alerts.refreshFailed('a', 'refused');
    alerts.refreshFailed('a', 'refused');
    await settle();

    expect(alerts.recent().map((alert) => [alert.kind, alert.subject, alert.details.period ?? alert.details.remaining ?? alert.details.outcome])).toEqual([
      ['refresh_failed', 'a', 'refused'],
      ['refresh_failed', 'a', 'failed'],
      ['quota_threshold', 'a', 0],
      ['quota_threshold', 'a', 50],
      ['budget_reached', 'ci', 'month'],
      ['budget_reached', 'ci', 'day'],
    ]);
    expect(alerts.recent().every((alert) => !('variant' in alert))).toBe(true);
    const counted = await metrics.registry.getSingleMetricAsString('kiro_gateway_alerts_total');
    expect(counted).toContain('kiro_gateway_alerts_total{kind="budget_reached",outcome="deduplicated"} 1');
    expect(counted).toContain('kiro_gateway_alerts_total{kind="refresh_failed",outcome="deduplicated"} 1');
  });

  it('keeps at most RECENT_ALERTS of them', async () => {
    const alerts = new AlertsService(parseGatewayEnv({ PROXY_API_KEY: 'k' }), clock({ at: 0 }), new MetricsService());

    for (let i = 0; i < RECENT_ALERTS + 20; i++) alerts.accountSuspended(`account-${i}`);
    await settle();

    expect(alerts.recent()).toHaveLength(RECENT_ALERTS);
    expect(alerts.recent()[0].subject).toBe(`account-${RECENT_ALERTS + 19}`);
  });

  it('logs a failed delivery by its kind of error, never the URL, and shows the URL masked', async () => {
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    const url = 'http://127.0.0.1:1/services/T0/B0/very-secret-token';
    const alerts = new AlertsService(parseGatewayEnv({ PROXY_API_KEY: 'k', ALERT_WEBHOOK_URL: url }), clock({ at: 0 }), new MetricsService());

    const outcome = await alerts.sendTest();

    expect(outcome).toEqual({ outcome: 'failed', error: 'connection_refused' });
    expect(warnings).toEqual(['A test alert was not delivered to ALERT_WEBHOOK_URL (error: connection_refused)']);
    expect(alerts.settings().webhook).toBe('http://127.0.0.1:1/…');
    expect(JSON.stringify([alerts.settings(), alerts.recent(), warnings])).not.toContain('very-secret-token');
  });

  it('raises a throttle alert at ALERT_THROTTLE_COUNT throttles, and a quota alert once per period', async () => {
    const alerts = new AlertsService(parseGatewayEnv({ PROXY_API_KEY: 'k', ALERT_THROTTLE_COUNT: '3', ALERT_INTERVAL: '1' }), clock({ at: 0 }), new MetricsService());
    const usage = { used: 950, limit: 1000, remaining: 50, nextResetAt: Date.UTC(2027, 0, 1) };

    for (let i = 0; i < 5; i++) alerts.accountThrottled('a');
    alerts.accountUsage('b', usage);
    alerts.accountUsage('b', usage);
    alerts.accountUsage('c', { ...usage, used: 100, remaining: 900 });
    await settle();

    expect(alerts.recent().map((alert) => [alert.kind, alert.subject])).toEqual([
      ['quota_threshold', 'b'],
      ['account_throttled', 'a'],
    ]);
  });
});
