/**
 * What the gateway alerts on (issue 15, item 6), as plain data: the rules that raise them, the
 * payload a webhook gets and the console's list all read this shape. No Nest, no I/O.
 */
export type AlertKind = 'account_suspended' | 'quota_threshold' | 'account_throttled' | 'refresh_failed' | 'budget_reached' | 'test';

export const ALERT_KINDS: readonly AlertKind[] = ['account_suspended', 'quota_threshold', 'account_throttled', 'refresh_failed', 'budget_reached', 'test'];

export type AlertDetails = Record<string, string | number | boolean | null>;

export interface Alert {
  kind: AlertKind;
  /** What it is about: an account's or a client key's name. */
  subject: string;
  /**
   * Which occurrence of (kind, subject) this is, where several are each news: a budget's period,
   * a quota's level and reset date, a refresh's outcome. (kind, subject, variant) is the unit of
   * "once per interval"; never shown or sent.
   */
  variant?: string;
  /** One human sentence (the Slack text's first line). */
  summary: string;
  details: AlertDetails;
  /** Epoch ms it was raised. */
  at: number;
}

/** A client key's credit budget ran out (raised by the client keys' code, issue 15 item 4). */
export interface BudgetReached {
  /** The key's name (never the key). */
  key: string;
  period: 'day' | 'month';
  /** Kiro credits allowed per period, and used so far. */
  limit: number;
  used: number;
  /** Epoch ms the period ends and the budget is whole again. */
  resetsAt: number;
}

/** How one delivery ended; never the URL, never a message that could hold it. */
export type DeliveryOutcome =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'failed'; status?: number; error: DeliveryError }
  /** The queue was full: alerts are diagnostics, never a reason to hold memory. */
  | { outcome: 'dropped' }
  /** No ALERT_WEBHOOK_URL: listed in the console only. */
  | { outcome: 'not_configured' };

export type DeliveryError = 'http_status' | 'timeout' | 'connection_refused' | 'dns' | 'tls' | 'network';

/** An alert as the console lists it: what was raised and how its delivery went. */
export interface RecentAlert extends Omit<Alert, 'at' | 'variant'> {
  time: string;
  instance: string;
  delivery: DeliveryOutcome | { outcome: 'sending' };
}

/** The settings as the admin API shows them: the webhook masked, never whole. */
export interface AlertSettings {
  enabled: boolean;
  webhook: string | null;
  quotaThresholdPercent: number;
  throttleCount: number;
  throttleWindowSeconds: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  /** Whether "once per interval" holds across replicas (Redis) or per replica. */
  dedupe: 'redis' | 'local';
  instance: string;
}

/** GET /admin/api/alerts: what the console's alerts page reads. */
export interface AlertsAnswer {
  settings: AlertSettings;
  recent: RecentAlert[];
}
