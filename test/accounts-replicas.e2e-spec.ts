import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { KiroSimulator, textReply } from './simulator';
import { redisAvailable, REDIS_SERVER, startGatewayProcess, startRedis, type RunningProcess } from './support/processes';

/**
 * Two gateway processes on one real Redis and one accounts file behave like one pool: an account
 * one replica finds suspended is not used by the other, a conversation pinned on one stays on
 * its account through the other, and each sees what the other has in flight.
 */
if (!redisAvailable && process.env.CI) throw new Error(`CI needs redis-server at ${REDIS_SERVER} for the replica tests`);

const KEY = 'accounts-replica-key';
const ADMIN = 'accounts-replica-admin-key';
const auth = { Authorization: `Bearer ${KEY}` };
const admin = { Authorization: `Bearer ${ADMIN}` };

(redisAvailable ? describe : describe.skip)('an account pool shared by two replicas through Redis (e2e)', () => {
  let sim: KiroSimulator;
  let redis: RunningProcess & { url: string };
  let a: RunningProcess & { url: string };
  let b: RunningProcess & { url: string };

  beforeAll(async () => {
    sim = await KiroSimulator.start({ defaultScenario: textReply('ok'), accounts: [{ name: 'x' }, { name: 'y' }, { name: 'z' }] });
    redis = await startRedis();
    const dir = mkdtempSync(join(tmpdir(), 'kiro-accounts-replicas-'));
    const file = join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify({ accounts: ['x', 'y', 'z'].map((name) => ({ name, refreshToken: `${name}-refresh-token` })) }), { mode: 0o600 });
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
    };
    [a, b] = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    await sim?.close();
  });

  const stateOn = async (replica: { url: string }, name: string): Promise<string> =>
    (await request(replica.url).get('/admin/api/accounts').set(admin)).body.data.find((account: { name: string }) => account.name === name).state.kind;

  async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('not shared in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('keeps the other replica off an account one replica found suspended', async () => {
    sim.account('x').setFault('suspend');
    const first = await Promise.all([1, 2, 3].map((i) => request(a.url).post('/v1/chat/completions').set(auth).send({ model: 'auto', messages: [{ role: 'user', content: `via a ${i}` }] })));
    expect(first.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await stateOn(a, 'x')).toBe('disabled');

    await eventually(async () => (await stateOn(b, 'x')) === 'disabled');
    const before = sim.account('x').stats.chatRequests;
    const second = await Promise.all([1, 2, 3, 4].map((i) => request(b.url).post('/v1/chat/completions').set(auth).send({ model: 'auto', messages: [{ role: 'user', content: `via b ${i}` }] })));

    expect(second.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(sim.account('x').stats.chatRequests).toBe(before);
    // Enabled on one replica: enabled on both.
    await request(b.url).post('/admin/api/accounts/x/enable').set(admin).expect(200);
    sim.account('x').clearFault();
    await eventually(async () => (await stateOn(a, 'x')) === 'healthy');
  });

  it('keeps a conversation on its account whichever replica serves the turn', async () => {
    sim.reset();
    const turn = (url: string) =>
      request(url).post('/v1/messages').set(auth).send({
        model: 'claude-sonnet-4-5',
        max_tokens: 16,
        metadata: { user_id: 'user_ab_account_1234_session_cccccccc-1111-4222-8333-444444444444' },
        messages: [{ role: 'user', content: 'shared conversation' }],
      });

    for (const url of [a.url, b.url, a.url, b.url]) expect((await turn(url)).status).toBe(200);

    const accounts = sim.requests.filter((r) => r.path === '/generateAssistantResponse').map((r) => r.account);
    expect(accounts).toHaveLength(4);
    expect(new Set(accounts).size).toBe(1);
  });

  it("sees what the other replica has in flight on each account", async () => {
    sim.enqueue({ ...textReply('slow'), firstByteDelayMs: 1500 });
    const slow = request(a.url).post('/v1/chat/completions').set(auth).send({ model: 'auto', messages: [{ role: 'user', content: 'slow one' }] }).then((r) => r);

    await eventually(async () => {
      const data = (await request(b.url).get('/admin/api/accounts').set(admin)).body.data as Array<{ inFlightOtherReplicas: number }>;
      return data.some((account) => account.inFlightOtherReplicas === 1);
    });
    expect((await slow).status).toBe(200);
  });
});
