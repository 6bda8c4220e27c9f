import { useEffect, useState } from 'preact/hooks';
import type { AlertKind, AlertsAnswer, DeliveryOutcome, RecentAlert } from '../../alerts/alert';
import { api } from './api';
import { dateTime } from './format';
import { html } from './html';
import { usePolling } from './polling';
import './alerts.css';

const KIND_NAMES: Record<AlertKind, string> = {
  account_suspended: 'Account suspended',
  quota_threshold: 'Quota',
  account_throttled: 'Throttled',
  refresh_failed: 'Refresh failed',
  budget_reached: 'Budget reached',
  test: 'Test',
};

export function deliveryText(delivery: RecentAlert['delivery']): string {
  switch (delivery.outcome) {
    case 'delivered':
      return `delivered (HTTP ${delivery.status})`;
    case 'failed':
      return delivery.error === 'http_status' ? `failed: HTTP ${delivery.status}` : `failed: ${delivery.error.replace(/_/g, ' ')}`;
    case 'dropped':
      return 'dropped (queue full)';
    case 'not_configured':
      return 'not sent (no ALERT_WEBHOOK_URL)';
    case 'sending':
      return 'sending…';
  }
}

const seconds = (s: number) => (s % 60 === 0 ? `${s / 60} min` : `${s} s`);

export function AlertsPage() {
  const [answer, setAnswer] = useState<AlertsAnswer | null>(null);
  const [message, setMessage] = useState<{ text: string; bad: boolean } | null>(null);
  const [testing, setTesting] = useState(false);
  const load = () => api<AlertsAnswer>('GET', '/alerts').then(setAnswer, (err: Error) => setMessage({ text: err.message, bad: true }));
  useEffect(() => void load(), []);
  usePolling(load, 5_000);

  const sendTest = async () => {
    setTesting(true);
    try {
      const outcome = await api<DeliveryOutcome>('POST', '/alerts/test');
      setMessage({ text: `Test alert: ${deliveryText(outcome)}`, bad: outcome.outcome !== 'delivered' });
    } catch (err) {
      setMessage({ text: `Test alert failed: ${(err as Error).message}`, bad: true });
    } finally {
      setTesting(false);
      void load();
    }
  };

  const settings = answer?.settings;
  return html`<section class="page" id="alerts">
    <header class="page-head"><h1>Alerts</h1><button class="send-test" onClick=${sendTest} disabled=${testing}>Send test alert</button></header>
    ${message && html`<p class=${message.bad ? 'error' : 'notice'} role="status">${message.text}</p>`}
    ${settings &&
    html`<dl class="alert-settings">
      <dt>Webhook</dt><dd data-field="Webhook">${settings.webhook ?? 'none (ALERT_WEBHOOK_URL unset: alerts are listed here only)'}</dd>
      <dt>Quota</dt><dd>alert past ${settings.quotaThresholdPercent}% of an account's credits</dd>
      <dt>Throttling</dt><dd>${settings.throttleCount} throttles of one account within ${seconds(settings.throttleWindowSeconds)}</dd>
      <dt>Repeats</dt><dd>each alert at most once per ${seconds(settings.intervalSeconds)} (${settings.dedupe === 'redis' ? 'across replicas, through Redis' : 'per replica'})</dd>
      <dt>This replica</dt><dd>${settings.instance}</dd>
    </dl>`}
    <h2>Recent alerts</h2>
    ${answer && answer.recent.length === 0 && html`<p class="muted">No alerts yet.</p>`}
    <ol class="alert-list">
      ${answer?.recent.map(
        (alert) => html`<li class=${`alert ${alert.kind}`} data-kind=${alert.kind} data-subject=${alert.subject}>
          <header><b>${KIND_NAMES[alert.kind]}</b> <span class="subject">${alert.subject}</span> <time>${dateTime(alert.time)}</time></header>
          <p>${alert.summary}</p>
          <p class="delivery" data-outcome=${alert.delivery.outcome}>${deliveryText(alert.delivery)} · ${alert.instance}</p>
        </li>`,
      )}
    </ol>
  </section>`;
}
