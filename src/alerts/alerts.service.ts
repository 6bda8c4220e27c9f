import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import type Redis from 'ioredis';
import type { AccountUsage } from '../accounts/usage-limits';
import { Clock } from '../common/clock';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { MetricsService } from '../metrics/metrics.service';
import { OutboundDispatchers } from '../outbound/outbound-dispatchers';
import { RedisConnection } from '../redis/redis.module';
import type { Alert, AlertSettings, BudgetReached, DeliveryOutcome, RecentAlert } from './alert';
import { type AlertDedupe, LocalAlertDedupe, RedisAlertDedupe } from './alert-dedupe';
import { alertPayload, maskWebhookUrl } from './alert-payload';
import { budgetAlert, QuotaAlertMemory, quotaAlert, refreshFailedAlert, suspendedAlert, testAlert, ThrottleCounter, throttledAlert } from './alert-rules';
import { type PostAlert, webhookPoster, WebhookQueue } from './webhook-sender';

/** Alerts kept for the console, newest first. */
export const RECENT_ALERTS = 50;
const MAX_QUEUED = 100;
const RETRY_DELAY_MS = 2_000;

/**
 * The gateway's alerts (ALERT_WEBHOOK_URL): the account pool, token refreshes and client-key
 * budgets tell it what happened; it decides what is worth an alert, lets each (kind, subject,
 * variant) through at most once per ALERT_INTERVAL (across replicas with Redis), and posts it to the
 * webhook from a bounded queue, off every request's path. Every alert is also listed for the
 * console, webhook or not. The URL is a secret: only its scheme and host are ever shown.
 */
@Injectable()
export class AlertsService implements OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private readonly recentAlerts: RecentAlert[] = [];
  private readonly dedupe: AlertDedupe;
  private readonly throttles: ThrottleCounter;
  private readonly quotaAlerts = new QuotaAlertMemory();
  private readonly post: PostAlert | undefined;
  private readonly queue: WebhookQueue | undefined;
  private lastFailureLog = -Infinity;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(Clock) private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Optional() dispatchers?: OutboundDispatchers,
    @Optional() @Inject(RedisConnection) private readonly redis?: Redis | null,
  ) {
    const { alerts } = config;
    const local = new LocalAlertDedupe(() => clock.now());
    this.dedupe = redis ? new RedisAlertDedupe(redis, local, config.instance) : local;
    this.throttles = new ThrottleCounter(alerts.throttleCount, alerts.throttleWindowMs);
    if (alerts.webhookUrl) {
      this.post = webhookPoster(alerts.webhookUrl, alerts.timeoutMs, () => dispatchers?.for(undefined));
      this.queue = new WebhookQueue(this.post, { maxQueued: MAX_QUEUED, retryDelayMs: RETRY_DELAY_MS });
    }
  }

  get enabled(): boolean {
    return this.queue !== undefined;
  }

  settings(): AlertSettings {
    const { alerts } = this.config;
    return {
      enabled: this.enabled,
      webhook: maskWebhookUrl(alerts.webhookUrl),
      quotaThresholdPercent: alerts.quotaThresholdPercent,
      throttleCount: alerts.throttleCount,
      throttleWindowSeconds: alerts.throttleWindowMs / 1000,
      intervalSeconds: alerts.intervalMs / 1000,
      timeoutSeconds: alerts.timeoutMs / 1000,
      dedupe: this.redis ? 'redis' : 'local',
      instance: this.config.instance,
    };
  }

  /** The last alerts this replica raised, newest first (at most {@link RECENT_ALERTS}). */
  recent(): RecentAlert[] {
    return this.recentAlerts.map((alert) => ({ ...alert, details: { ...alert.details } }));
  }

  // ---- what the rest of the gateway reports ----

  accountSuspended(account: string, reason?: string): void {
    this.raise(suspendedAlert(account, reason, this.clock.now()));
  }

  /** Every usage read: an alert past ALERT_QUOTA_THRESHOLD, once per quota period (and once more when spent). */
  accountUsage(account: string, usage: Pick<AccountUsage, 'used' | 'limit' | 'remaining' | 'nextResetAt'>): void {
    const alert = quotaAlert(account, usage, this.config.alerts.quotaThresholdPercent, this.clock.now());
    if (alert && this.quotaAlerts.isNews(account, usage.nextResetAt, usage.remaining <= 0)) this.raise(alert);
  }

  /** Every throttle an account got (after the retries): an alert at ALERT_THROTTLE_COUNT within ALERT_THROTTLE_WINDOW. */
  accountThrottled(account: string): void {
    const now = this.clock.now();
    const { throttleCount, throttleWindowMs } = this.config.alerts;
    if (this.throttles.record(account, now)) this.raise(throttledAlert(account, throttleCount, throttleWindowMs, now));
  }

  refreshFailed(account: string, outcome: 'refused' | 'failed'): void {
    this.raise(refreshFailedAlert(account, outcome, this.clock.now()));
  }

  /** A client key's budget ran out (the client keys' code calls this). */
  budgetReached(budget: BudgetReached): void {
    this.raise(budgetAlert(budget, this.clock.now()));
  }

  /**
   * The console's "Send test alert": posted now, not queued and not retried, so the answer is
   * this one delivery's outcome. Not deduplicated: an operator testing means it.
   */
  async sendTest(): Promise<DeliveryOutcome> {
    const alert = testAlert(this.clock.now());
    const entry = this.remember(alert);
    const outcome: DeliveryOutcome = this.post ? await this.post(alertPayload(alert, this.config.instance)) : { outcome: 'not_configured' };
    this.settle(alert, entry, outcome);
    return outcome;
  }

  onApplicationShutdown(): void {
    this.queue?.stop();
  }

  /** Never throws and never waits: callers are on a request's path. */
  private raise(alert: Alert): void {
    this.dedupe.claim(alert, this.config.alerts.intervalMs).then(
      (first) => {
        if (!first) return this.metrics.alerts.inc({ kind: alert.kind, outcome: 'deduplicated' });
        const entry = this.remember(alert);
        if (!this.queue) return this.settle(alert, entry, { outcome: 'not_configured' });
        this.queue.enqueue(alertPayload(alert, this.config.instance), (outcome) => this.settle(alert, entry, outcome));
      },
      () => undefined,
    );
  }

  private remember(alert: Alert): RecentAlert {
    const { at, variant: _variant, ...rest } = alert;
    const entry: RecentAlert = { ...rest, time: new Date(at).toISOString(), instance: this.config.instance, delivery: { outcome: 'sending' } };
    this.recentAlerts.unshift(entry);
    if (this.recentAlerts.length > RECENT_ALERTS) this.recentAlerts.pop();
    return entry;
  }

  private settle(alert: Alert, entry: RecentAlert, outcome: DeliveryOutcome): void {
    entry.delivery = outcome;
    this.metrics.alerts.inc({ kind: alert.kind, outcome: outcome.outcome });
    if (outcome.outcome !== 'failed' && outcome.outcome !== 'dropped') return;
    // At most one line a minute, naming the kind of failure: never the URL.
    if (this.clock.now() - this.lastFailureLog < 60_000) return;
    this.lastFailureLog = this.clock.now();
    const why = outcome.outcome === 'dropped' ? `${MAX_QUEUED} alerts were already waiting` : outcome.error === 'http_status' ? `the webhook answered HTTP ${outcome.status}` : `error: ${outcome.error}`;
    this.logger.warn(`A ${alert.kind} alert was not delivered to ALERT_WEBHOOK_URL (${why})`);
  }
}
