import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { KiroSimulator, textReply } from './simulator';
import { redisAvailable, REDIS_SERVER, startGatewayProcess, startRedis, type RunningProcess } from './support/processes';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

/**
 * Two gateway processes on one real Redis: a request one replica served is in the other's
 * request log (each keeps its own SQLite log and reads the other's entries from a capped Redis
 * stream), once, with the replica that served it; and an alert both replicas see is sent once.
 */
if (!redisAvailable && process.env.CI) throw new Error(`CI needs redis-server at ${REDIS_SERVER} for the replica tests`);

const KEY = 'request-log-replica-key';
const ADMIN = 'request-log-replica-admin-key';
const auth = { Authorization: `Bearer ${KEY}` };
const admin = { Authorization: `Bearer ${ADMIN}` };

interface LoggedEntry {
  requestId: string;
  instance?: string;
  account: string | null;
  entryId?: string;
}

(redisAvailable ? describe : describe.skip)('the request log and alerts across two replicas on Redis (e2e)', () => {
  let sim: KiroSimulator;
  let webhook: WebhookReceiver;
  let redis: RunningProcess & { url: string };
  let a: RunningProcess & { url: string };
  let b: RunningProcess & { url: string };

  beforeAll(async () => {
    sim = await KiroSimulator.start({ defaultScenario: textReply('ok'), accounts: [{ name: 'x' }, { name: 'y' }] });
    webhook = await startWebhookReceiver();
    redis = await startRedis();
    const file = join(mkdtempSync(join(tmpdir(), 'kiro-log-replicas-')), 'accounts.json');
    writeFileSync(file, JSON.stringify({ accounts: ['x', 'y'].map((name) => ({ name, refreshToken: `${name}-refresh-token` })) }), { mode: 0o600 });
    const env = {
      ...sim.gatewayEnv(),
      REFRESH_TOKEN: '',
      PROXY_API_KEY: KEY,
      ADMIN_API_KEY: ADMIN,
      KIRO_ACCOUNTS_FILE: file,
      ACCOUNT_STRATEGY: 'round_robin',
      REDIS_URL: redis.url,
      FAKE_REASONING: 'false',
      BASE_RETRY_DELAY: '0.01',
      ALERT_WEBHOOK_URL: webhook.url,
    };
    [a, b] = await Promise.all([startGatewayProcess({ ...env, GATEWAY_INSTANCE: 'replica-a' }), startGatewayProcess({ ...env, GATEWAY_INSTANCE: 'replica-b' })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    await sim?.close();
    await webhook?.close();
  });

  const logOf = async (replica: { url: string }): Promise<LoggedEntry[]> => (await request(replica.url).get('/admin/api/requests?limit=500').set(admin).expect(200)).body.data as LoggedEntry[];

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`not in time: ${JSON.stringify(value).slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("shows a request replica A served in replica B's log, once, with the replica that served it", async () => {
    await request(a.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'served-by-a').send({ model: 'auto', messages: [{ role: 'user', content: 'via a' }] }).expect(200);
    await request(b.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'served-by-b').send({ model: 'auto', messages: [{ role: 'user', content: 'via b' }] }).expect(200);

    const onB = await eventually(() => logOf(b), (log) => log.some((e) => e.requestId === 'served-by-a'));
    const onA = await eventually(() => logOf(a), (log) => log.some((e) => e.requestId === 'served-by-b'));
    // One more poll on each side: an entry handed over again is still kept once.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const [finalA, finalB] = [await logOf(a), await logOf(b)];

    const fromA = onB.find((e) => e.requestId === 'served-by-a')!;
    expect(fromA).toMatchObject({ instance: 'replica-a', account: expect.stringMatching(/^[xy]$/) });
    expect(onA.find((e) => e.requestId === 'served-by-b')).toMatchObject({ instance: 'replica-b' });
    expect(finalA.find((e) => e.requestId === 'served-by-a')?.entryId).toBe(fromA.entryId);
    for (const log of [finalA, finalB]) {
      expect(log.filter((e) => e.requestId === 'served-by-a')).toHaveLength(1);
      expect(log.filter((e) => e.requestId === 'served-by-b')).toHaveLength(1);
    }
  });

  it('sends an alert both replicas see only once (SET NX in Redis)', async () => {
    sim.account('x').setFault('suspend');
    for (let i = 0; i < 2; i++) await request(a.url).post('/v1/chat/completions').set(auth).send({ model: 'auto', messages: [{ role: 'user', content: `suspend ${i}` }] }).expect(200);
    await webhook.waitFor('account_suspended', 'x');
    // B learns of the suspension through Redis and tells its own alerts too.
    await eventually(async () => (await request(b.url).get('/admin/api/accounts').set(admin)).body.data.find((account: { name: string }) => account.name === 'x').state.kind, (kind) => kind === 'disabled');
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(webhook.received.filter((alert) => alert.kind === 'account_suspended')).toHaveLength(1);
    // B raised it too, and Redis said A had sent it already.
    const metrics = [(await request(a.url).get('/metrics').set(auth)).text, (await request(b.url).get('/metrics').set(auth)).text].join('\n');
    expect(metrics.match(/kiro_gateway_alerts_total\{kind="account_suspended",outcome="(delivered|deduplicated)"\} 1/g)?.sort()).toEqual([
      'kiro_gateway_alerts_total{kind="account_suspended",outcome="deduplicated"} 1',
      'kiro_gateway_alerts_total{kind="account_suspended",outcome="delivered"} 1',
    ]);
    const settings = (await request(b.url).get('/admin/api/alerts').set(admin).expect(200)).body.settings;
    expect(settings).toMatchObject({ dedupe: 'redis', instance: 'replica-b' });
  });
});
