import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { textReply } from './simulator';
import { type Harness, PROXY_KEY, startHarness } from './support/gateway-harness';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

/**
 * Alerts (ALERT_WEBHOOK_URL) end to end: three simulator accounts behind the pool, a local
 * webhook receiver standing in for Slack. A suspension, a quota past the threshold and a
 * throttled account each reach the webhook once per interval; the test delivery answers its
 * outcome; the URL's secret part appears nowhere the gateway answers.
 */
const ADMIN_KEY = 'admin-key-for-the-alert-tests';
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const chat = (content: string) => ({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content }] });

describe('alerts to a webhook (e2e)', () => {
  let h: Harness;
  let webhook: WebhookReceiver;

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    const file = join(mkdtempSync(join(tmpdir(), 'kiro-alerts-')), 'accounts.json');
    writeFileSync(file, JSON.stringify({ accounts: ['a', 'b', 'c'].map((name) => ({ name, refreshToken: `${name}-refresh-token` })) }), { mode: 0o600 });
    h = await startHarness({
      simulator: { defaultScenario: textReply('ok'), accounts: [{ name: 'a', used: 950 }, { name: 'b', used: 10 }, { name: 'c', used: 10 }] },
      env: {
        KIRO_ACCOUNTS_FILE: file,
        REFRESH_TOKEN: '',
        ADMIN_API_KEY: ADMIN_KEY,
        ACCOUNT_STRATEGY: 'round_robin',
        FAKE_REASONING: 'false',
        MAX_RETRIES: '0',
        ALERT_WEBHOOK_URL: webhook.url,
        ALERT_THROTTLE_COUNT: '1',
        GATEWAY_INSTANCE: 'gw-test-1',
        CLIENT_KEYS_FILE: join(mkdtempSync(join(tmpdir(), 'kiro-alerts-keys-')), 'client-keys.json'),
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await webhook?.close();
  });

  let markers = 0;
  /**
   * Raises a fresh alert (a marker key's spent budget) and waits for it: the queue posts one at a
   * time in order, so a duplicate raised before it has reached the webhook by then. What makes a
   * "sent once" assertion able to fail.
   */
  async function afterEarlierAlerts(): Promise<void> {
    const name = `marker-${++markers}`;
    const created = (await request(h.url).post('/admin/api/keys').set(admin).send({ name, dailyCredits: 0.01 }).expect(201)).body as { secret: string };
    await request(h.url).post('/v1/chat/completions').set({ Authorization: `Bearer ${created.secret}` }).send(chat(name)).expect(200);
    await webhook.waitFor('budget_reached', name);
  }

  it('sends a suspension once, with Slack text and the structured fields', async () => {
    h.sim.account('b').setFault('suspend');
    for (let i = 0; i < 3; i++) await request(h.url).post('/v1/chat/completions').set(auth).send(chat(`suspend ${i}`)).expect(200);

    const alert = await webhook.waitFor('account_suspended', 'b');
    // Enabled again and suspended again within ALERT_INTERVAL: not sent a second time.
    await request(h.url).post('/admin/api/accounts/b/enable').set(admin).expect(200);
    for (let i = 0; i < 3; i++) await request(h.url).post('/v1/chat/completions').set(auth).send(chat(`again ${i}`)).expect(200);
    await eventually(async () => (await request(h.url).get('/admin/api/accounts').set(admin)).body.data[1].state.kind === 'disabled');
    await afterEarlierAlerts();
    const metrics = (await request(h.url).get('/metrics').set(auth)).text;

    expect(alert).toMatchObject({ kind: 'account_suspended', subject: 'b', instance: 'gw-test-1', source: 'kiro-gateway', details: { account: 'b' } });
    expect(alert.text).toMatch(/^\*Account suspended\* — kiro-gateway `gw-test-1`\nAccount "b" was suspended by Kiro/);
    expect(Date.parse(alert.time as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(webhook.received.filter((a) => a.kind === 'account_suspended')).toHaveLength(1);
    expect(metrics).toContain('kiro_gateway_alerts_total{kind="account_suspended",outcome="delivered"} 1');
    expect(metrics).toContain('kiro_gateway_alerts_total{kind="account_suspended",outcome="deduplicated"} 1');
  });

  it('sends the quota alert of an account past ALERT_QUOTA_THRESHOLD when its usage is read', async () => {
    await request(h.url).get('/admin/api/accounts?usage=read').set(admin).expect(200);

    const alert = await webhook.waitFor('quota_threshold', 'a');
    // Read again: the same level in the same period is not news.
    await request(h.url).get('/admin/api/accounts?usage=read').set(admin).expect(200);
    await afterEarlierAlerts();

    // 950 at the start, and what the requests so far cost.
    expect(alert.details).toMatchObject({ account: 'a', limit: 1000, percentUsed: 95, thresholdPercent: 90 });
    expect((alert.details as { used: number }).used).toBeGreaterThanOrEqual(950);
    expect(webhook.received.filter((a) => a.kind === 'quota_threshold').map((a) => a.subject)).toEqual(['a']);
  });

  it('sends a throttled account', async () => {
    h.sim.account('c').setFault('throttle', { times: 1 });
    for (let i = 0; i < 3; i++) await request(h.url).post('/v1/chat/completions').set(auth).send(chat(`throttle ${i}`));

    expect((await webhook.waitFor('account_throttled', 'c')).details).toEqual({ account: 'c', throttles: 1, windowSeconds: 600 });
  });

  it('answers a test delivery with its outcome, the receiver’s status included', async () => {
    const delivered = await request(h.url).post('/admin/api/alerts/test').set(admin).expect(200);
    webhook.status = 500;
    const failed = await request(h.url).post('/admin/api/alerts/test').set(admin).expect(200);
    webhook.status = 200;

    expect(delivered.body).toEqual({ outcome: 'delivered', status: 200 });
    expect(failed.body).toEqual({ outcome: 'failed', status: 500, error: 'http_status' });
    // No retry for the test: one post each.
    expect(webhook.received.filter((a) => a.kind === 'test')).toHaveLength(2);
  });

  it('shows the settings with the webhook masked and the recent alerts, and the secret nowhere', async () => {
    const alerts = await request(h.url).get('/admin/api/alerts').set(admin).expect(200);
    const everywhere = [
      JSON.stringify(alerts.body),
      (await request(h.url).get('/metrics').set(auth)).text,
      JSON.stringify((await request(h.url).get('/health')).body),
      JSON.stringify((await request(h.url).get('/admin/api/accounts').set(admin)).body),
      JSON.stringify((await request(h.url).get('/openapi.json')).body),
    ].join('\n');

    expect(alerts.body.settings).toEqual({
      enabled: true,
      webhook: `http://${new URL(webhook.url).host}/…`,
      quotaThresholdPercent: 90,
      throttleCount: 1,
      throttleWindowSeconds: 600,
      intervalSeconds: 900,
      timeoutSeconds: 5,
      dedupe: 'local',
      instance: 'gw-test-1',
    });
    expect(alerts.body.recent.map((a: { kind: string; subject: string; delivery: { outcome: string } }) => [a.kind, a.subject, a.delivery.outcome])).toEqual([
      ['test', 'test', 'failed'],
      ['test', 'test', 'delivered'],
      ['account_throttled', 'c', 'delivered'],
      ['budget_reached', 'marker-2', 'delivered'],
      ['quota_threshold', 'a', 'delivered'],
      ['budget_reached', 'marker-1', 'delivered'],
      ['account_suspended', 'b', 'delivered'],
    ]);
    expect(everywhere).not.toContain(webhook.secret);
    expect(everywhere).not.toContain('webhook-secret-token');
  });

  it('sends a client key whose daily budget is spent, once', async () => {
    const created = (await request(h.url).post('/admin/api/keys').set(admin).send({ name: 'ci-budget', dailyCredits: 0.01 }).expect(201)).body as { secret: string };
    const key = { Authorization: `Bearer ${created.secret}` };
    await request(h.url).post('/v1/chat/completions').set(key).send(chat('spend it')).expect(200);
    await request(h.url).post('/v1/chat/completions').set(key).send(chat('refused')).expect(429);

    const alert = await webhook.waitFor('budget_reached', 'ci-budget');
    await request(h.url).post('/v1/chat/completions').set(key).send(chat('refused again')).expect(429);
    await afterEarlierAlerts();

    expect(alert.details).toMatchObject({ key: 'ci-budget', period: 'day', limit: 0.01 });
    expect(Date.parse((alert.details as { resetsAt: string }).resetsAt)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(alert)).not.toContain(created.secret);
    expect(webhook.received.filter((a) => a.kind === 'budget_reached' && a.subject === 'ci-budget')).toHaveLength(1);
  });

  it('sends both the daily and the monthly budget that one request spent, each once', async () => {
    const created = (await request(h.url).post('/admin/api/keys').set(admin).send({ name: 'ci-both', dailyCredits: 0.01, monthlyCredits: 0.01 }).expect(201)).body as { secret: string };
    const key = { Authorization: `Bearer ${created.secret}` };
    await request(h.url).post('/v1/chat/completions').set(key).send(chat('spend both')).expect(200);
    await request(h.url).post('/v1/chat/completions').set(key).send(chat('refused')).expect(429);

    await eventually(async () => webhook.received.filter((a) => a.subject === 'ci-both').length >= 2);
    await afterEarlierAlerts();

    expect(webhook.received.filter((a) => a.kind === 'budget_reached' && a.subject === 'ci-both').map((a) => (a.details as { period: string }).period)).toEqual(['day', 'month']);
  });

  it('needs the admin key', async () => {
    await request(h.url).get('/admin/api/alerts').set(auth).expect(401);
    await request(h.url).post('/admin/api/alerts/test').expect(401);
  });
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('not in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
