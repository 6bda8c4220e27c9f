import type { Alert, AlertDetails, AlertKind } from './alert';

/** What a webhook receives: Slack's `text`, and the same alert as fields for any other receiver. */
export interface AlertPayload {
  text: string;
  kind: AlertKind;
  subject: string;
  summary: string;
  details: AlertDetails;
  /** ISO 8601. */
  time: string;
  /** The replica that sent it (GATEWAY_INSTANCE). */
  instance: string;
  source: 'kiro-gateway';
}

const TITLES: Record<AlertKind, string> = {
  account_suspended: 'Account suspended',
  quota_threshold: 'Account quota',
  account_throttled: 'Account throttled',
  refresh_failed: 'Token refresh failed',
  budget_reached: 'Budget reached',
  test: 'Test alert',
};

/** The webhook's JSON body. Slack reads `text` (mrkdwn: `&`, `<`, `>` escaped) and ignores the rest. */
export function alertPayload(alert: Alert, instance: string): AlertPayload {
  const lines = Object.entries(alert.details)
    .filter(([, value]) => value !== null)
    .map(([name, value]) => `• ${name}: ${slackEscape(String(value))}`);
  const text = [`*${TITLES[alert.kind]}* — kiro-gateway \`${slackEscape(instance)}\``, slackEscape(alert.summary), ...lines].join('\n');
  return { text, kind: alert.kind, subject: alert.subject, summary: alert.summary, details: alert.details, time: new Date(alert.at).toISOString(), instance, source: 'kiro-gateway' };
}

/** Slack's three control characters in text (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The webhook URL as the console and logs may show it: scheme, host and port only. The path,
 * query and any user:password are where services put the token (Slack: /services/T…/B…/token).
 */
export function maskWebhookUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '…';
  }
}
