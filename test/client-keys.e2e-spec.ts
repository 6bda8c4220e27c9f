import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import request from 'supertest';
import { textReply } from './simulator';
import { type Harness, PROXY_KEY, startHarness } from './support/gateway-harness';
import { redisAvailable, startRedis, type RunningProcess } from './support/processes';

/**
 * Client keys over HTTP (issue 15 item 4): PROXY_API_KEYS, keys made through the admin API
 * (hashed on disk, shown once), their allowed models and accounts, rate limits and budgets in
 * Kiro credits, refused with a 429 in each API family's shape through the official SDKs.
 */
const ADMIN_KEY = 'admin-key-for-the-client-keys-tests';
const STATIC_KEY = 'static-ci-key-0123456789abcdef';
/** Each answer costs this many credits (the simulator's meteringEvent). */
const CREDITS_PER_REQUEST = 0.02;
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const chat = (content: string, model = 'claude-sonnet-4.5') => ({ model, messages: [{ role: 'user', content }] });

interface CreatedKey {
  key: { id: string; name: string; hint: string; usage: { daily: { credits: number; requests: number; limit: number | null; resetsAt: string } } };
  secret: string;
}

function keysFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'kiro-keys-')), 'data', 'client-keys.json');
}

async function keysHarness(env: Record<string, string> = {}, file = keysFile()): Promise<Harness & { keysFile: string }> {
  const accounts = join(mkdtempSync(join(tmpdir(), 'kiro-keys-accounts-')), 'accounts.json');
  writeFileSync(accounts, JSON.stringify({ accounts: ['a', 'b', 'c'].map((name) => ({ name, refreshToken: `${name}-refresh-token` })) }), { mode: 0o600 });
  const h = await startHarness({
    simulator: { defaultScenario: textReply('ok', { meteringUsage: CREDITS_PER_REQUEST }), accounts: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
    env: {
      KIRO_ACCOUNTS_FILE: accounts,
      REFRESH_TOKEN: '',
      ADMIN_API_KEY: ADMIN_KEY,
      ACCOUNT_STRATEGY: 'round_robin',
      FAKE_REASONING: 'false',
      CLIENT_KEYS_FILE: file,
      PROXY_API_KEYS: `ci:${STATIC_KEY}`,
      ...env,
    },
  });
  return Object.assign(h, { keysFile: file });
}

async function createKey(h: Harness, body: Record<string, unknown>): Promise<CreatedKey> {
  return (await request(h.url).post('/admin/api/keys').set(admin).send(body).expect(201)).body as CreatedKey;
}

/** The simulator account each answered chat call was for, in order. */
const servedBy = (h: Harness): Array<string | undefined> => h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && r.status === 200).map((r) => r.account);

/** Waits until `check` holds, within a deadline. */
async function poll(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within the deadline');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Seconds from now to the next UTC midnight, as Retry-After should say. */
function secondsToUtcMidnight(): number {
  const now = new Date();
  return Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000);
}

describe('client keys (e2e)', () => {
  let h: Harness & { keysFile: string };
  beforeAll(async () => {
    h = await keysHarness();
  });
  afterAll(() => h.close());

  it('accepts PROXY_API_KEY unchanged and every PROXY_API_KEYS key, each logged by its name', async () => {
    await request(h.url).post('/v1/chat/completions').set(bearer(PROXY_KEY)).set('X-Request-ID', 'by-default-key').send(chat('one')).expect(200);
    await request(h.url).post('/v1/chat/completions').set('x-api-key', STATIC_KEY).set('X-Request-ID', 'by-static-key').send(chat('two')).expect(200);
    await request(h.url).post('/v1/chat/completions').set(bearer(`${STATIC_KEY}x`)).send(chat('three')).expect(401);

    const log = (await request(h.url).get('/admin/api/requests?caller=ci').set(admin).expect(200)).body.data as Array<{ requestId: string; caller: string }>;
    const all = (await request(h.url).get('/admin/api/requests').set(admin).expect(200)).body.data as Array<{ requestId: string; caller: string }>;
    expect(log.map((e) => [e.requestId, e.caller])).toEqual([['by-static-key', 'ci']]);
    expect(all.find((e) => e.requestId === 'by-default-key')?.caller).toBe('default');
    expect(JSON.stringify(all)).not.toContain(STATIC_KEY);
  });

  it('creates a key whose secret is shown once and kept only as its SHA-256, in a 0600 file', async () => {
    const created = await createKey(h, { name: 'shown-once' });
    const listed = (await request(h.url).get('/admin/api/keys').set(admin).expect(200)).body;
    const onDisk = readFileSync(h.keysFile, 'utf8');

    expect(created.secret).toMatch(/^kgw_[A-Za-z0-9_-]{43}$/);
    expect(created.key.hint).toBe(`${created.secret.slice(0, 8)}…`);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(onDisk).not.toContain(created.secret);
    expect(onDisk).not.toContain(created.secret.slice(4));
    expect(onDisk).toContain(`"digest": "sha256:`);
    expect(statSync(h.keysFile).mode & 0o777).toBe(0o600);
    expect(listed.data.map((k: { name: string; source: string; readOnly: boolean; deletable: boolean }) => [k.name, k.source, k.readOnly, k.deletable])).toEqual(
      expect.arrayContaining([['default', 'default', true, false], ['ci', 'static', false, false], ['shown-once', 'created', false, true]]),
    );
    await request(h.url).post('/v1/chat/completions').set(bearer(created.secret)).send(chat('with a created key')).expect(200);
    await request(h.url).patch('/admin/api/keys/default').set(admin).send({ dailyCredits: 1 }).expect(400);
    await request(h.url).delete('/admin/api/keys/env.ci').set(admin).expect(400);
  });

  it('gives a PROXY_API_KEYS key a budget set in the console: refused past it, its secret still only in the environment', async () => {
    await request(h.url).patch('/admin/api/keys/env.ci').set(admin).send({ dailyCredits: 0.05 }).expect(200);
    const statuses: number[] = [];
    for (let i = 0; i < 8 && !statuses.includes(429); i++) statuses.push((await request(h.url).post('/v1/chat/completions').set(bearer(STATIC_KEY)).send(chat(`static budget ${i}`))).status);
    await request(h.url).patch('/admin/api/keys/env.ci').set(admin).send({ dailyCredits: null }).expect(200);
    const after = await request(h.url).post('/v1/chat/completions').set(bearer(STATIC_KEY)).send(chat('no budget again'));

    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true);
    expect(after.status).toBe(200);
    expect(readFileSync(h.keysFile, 'utf8')).not.toContain(STATIC_KEY);
  });

  it('refuses a key past its daily budget with a 429 in the OpenAI shape, naming the budget and its reset', async () => {
    const { secret } = await createKey(h, { name: 'small-budget-openai', dailyCredits: 0.05 });
    const client = new OpenAI({ apiKey: secret, baseURL: `${h.url}/v1`, maxRetries: 0 });
    let answered = 0;
    let refusal: unknown;
    for (let i = 0; i < 10 && refusal === undefined; i++) {
      try {
        await client.chat.completions.create(chat(`spend ${i}`) as OpenAI.ChatCompletionCreateParamsNonStreaming);
        answered++;
      } catch (err) {
        refusal = err;
      }
    }

    // 0.02 + 0.02 + 0.02: the third request was admitted below the budget and finished past it.
    expect(answered).toBe(3);
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    const error = refusal as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error.status).toBe(429);
    expect(error.error).toMatchObject({ type: 'insufficient_quota', code: 'daily_budget_exceeded' });
    const resetsAt = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1)).toISOString();
    expect(error.message).toContain(`The key "small-budget-openai" has spent its daily budget: 0.06 of 0.05 Kiro credits used. It resets at ${resetsAt} (UTC).`);
    expect(error.headers.get('x-should-retry')).toBe('false');
    expect(Math.abs(Number(error.headers.get('retry-after')) - secondsToUtcMidnight())).toBeLessThanOrEqual(5);
    // The Responses API answers in the same shape.
    const responses = await request(h.url).post('/v1/responses').set(bearer(secret)).send({ model: 'claude-sonnet-4.5', input: 'more' }).expect(429);
    expect(responses.body.error.code).toBe('daily_budget_exceeded');
  });

  it('refuses a key past its monthly budget with a 429 in the Anthropic shape, for messages and count_tokens', async () => {
    const { secret } = await createKey(h, { name: 'small-budget-anthropic', monthlyCredits: 0.03 });
    const client = new Anthropic({ apiKey: secret, baseURL: h.url, maxRetries: 0 });
    const ask = () => client.messages.create({ model: 'claude-sonnet-4.5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    await ask();
    await ask();

    const refusal = await ask().catch((err: unknown) => err);
    const counted = await client.messages.countTokens({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'hi' }] }).catch((err: unknown) => err);

    expect(refusal).toBeInstanceOf(Anthropic.RateLimitError);
    const error = refusal as InstanceType<typeof Anthropic.RateLimitError>;
    const now = new Date();
    const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    expect(error.error).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: `The key "small-budget-anthropic" has spent its monthly budget: 0.04 of 0.03 Kiro credits used. It resets at ${resetsAt} (UTC).` } });
    expect(error.headers.get('x-should-retry')).toBe('false');
    expect(Number(error.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(counted).toBeInstanceOf(Anthropic.RateLimitError);
  });

  it("reports a key's usage today and this month from its requests' credits", async () => {
    const { key, secret } = await createKey(h, { name: 'metered', dailyCredits: 10 });
    for (let i = 0; i < 3; i++) await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat(`metered ${i}`)).expect(200);

    const usage = (await request(h.url).get(`/admin/api/keys/${key.id}/usage`).set(admin).expect(200)).body;

    expect(usage.daily).toMatchObject({ credits: 0.06, requests: 3, limit: 10 });
    expect(usage.monthly).toMatchObject({ credits: 0.06, requests: 3, limit: null });
  });

  it('serves a key only from its allowed accounts, failing over among them alone', async () => {
    const { key, secret } = await createKey(h, { name: 'only-b-and-c', accounts: ['b', 'c'] });
    const before = servedBy(h).length;
    for (let i = 0; i < 4; i++) await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat(`allowed ${i}`)).expect(200);
    h.sim.account('b').setFault('suspend');
    for (let i = 0; i < 3; i++) await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat(`failover ${i}`)).expect(200);
    await request(h.url).patch(`/admin/api/keys/${key.id}`).set(admin).send({ accounts: ['b'] }).expect(200);
    const none = await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('b is suspended')).expect(503);
    h.sim.account('b').clearFault();

    const served = servedBy(h).slice(before);
    expect(served.slice(0, 4).sort()).toEqual(['b', 'b', 'c', 'c']);
    expect(served.slice(4).filter((name) => name === 'a')).toEqual([]);
    expect(served.slice(-3)).toEqual(['c', 'c', 'c']);
    expect(none.body.error.code).toBe('no_account_available');
    expect(none.body.error.message).toContain('each this key may use is disabled');
    await request(h.url).post(`/admin/api/accounts/b/enable`).set(admin).expect(200);
  });

  it('refuses a model the key does not allow, after aliases and normalising, in each shape', async () => {
    const { secret } = await createKey(h, { name: 'sonnet-only', models: ['claude-sonnet-4.5', 'claude-haiku-*'] });

    await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('dated name', 'claude-sonnet-4-5-20250929')).expect(200);
    await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('prefix', 'claude-haiku-4.5')).expect(200);
    const openai = await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('opus', 'claude-opus-4.5')).expect(403);
    const anthropic = await request(h.url).post('/v1/messages').set('x-api-key', secret).send({ model: 'claude-opus-4.5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).expect(403);

    expect(openai.body.error).toEqual({
      message: 'The key "sonnet-only" may not use the model "claude-opus-4.5"; it may use: claude-sonnet-4.5, claude-haiku-*.',
      type: 'permission_error',
      param: 'model',
      code: 'model_not_allowed',
    });
    expect(anthropic.body).toEqual({ type: 'error', error: { type: 'permission_error', message: openai.body.error.message } });
    const listed = (await request(h.url).get('/v1/models').set(bearer(secret)).expect(200)).body.data.map((m: { id: string }) => m.id) as string[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((id) => !/sonnet-4[.-]5|haiku/.test(id))).toEqual([]);
    await request(h.url).get('/v1/models/claude-opus-4.5').set(bearer(secret)).expect(404);
    await request(h.url).get('/v1/models/claude-opus-4.5').set(bearer(PROXY_KEY)).expect(200);
  });

  it('applies its own rate limit to a key, leaving the others alone', async () => {
    const { secret } = await createKey(h, { name: 'two-per-minute', rateLimitPerMinute: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat(`rate ${i}`))).status);

    expect(statuses).toEqual([200, 200, 429]);
    await request(h.url).post('/v1/chat/completions').set(bearer(PROXY_KEY)).send(chat('another key')).expect(200);
  });

  it('disables, enables and deletes a key', async () => {
    const { key, secret } = await createKey(h, { name: 'switched' });

    await request(h.url).post(`/admin/api/keys/${key.id}/disable`).set(admin).expect(200);
    const disabled = await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('off')).expect(403);
    await request(h.url).post(`/admin/api/keys/${key.id}/enable`).set(admin).expect(200);
    await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('on')).expect(200);
    await request(h.url).delete(`/admin/api/keys/${key.id}`).set(admin).expect(204);
    await request(h.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('gone')).expect(401);

    expect(disabled.body.error).toMatchObject({ code: 'key_disabled', message: 'The key "switched" is disabled by the gateway\'s operator.' });
    expect(readFileSync(h.keysFile, 'utf8')).not.toContain(key.id);
  });

  it('takes any valid key in front of a tenant refresh token, with that key\'s limits', async () => {
    const { secret } = await createKey(h, { name: 'tenant-front', models: ['claude-sonnet-4.5'] });
    const tenant = 'tenant-refresh-token-behind-a-created-key';
    h.sim.addRefreshToken(tenant);

    await request(h.url).post('/v1/chat/completions').set(bearer(`${secret}:${tenant}`)).set('X-Request-ID', 'tenant-with-key').send(chat('tenant')).expect(200);
    await request(h.url).post('/v1/chat/completions').set(bearer(`${secret}:${tenant}`)).send(chat('tenant', 'claude-opus-4.5')).expect(403);
    await request(h.url).post('/v1/chat/completions').set(bearer(`${STATIC_KEY}:${tenant}`)).send(chat('tenant via static key')).expect(200);

    const log = (await request(h.url).get('/admin/api/requests').set(admin).expect(200)).body.data as Array<{ requestId: string; callerKind: string; caller: string }>;
    const entry = log.find((e) => e.requestId === 'tenant-with-key')!;
    expect(entry.callerKind).toBe('tenant');
    expect(entry.caller).toMatch(/^tenant:[0-9a-f]{12}$/);
  });

  it('refuses bad key definitions with a 400 naming the field', async () => {
    const bad = await request(h.url).post('/admin/api/keys').set(admin).send({ name: 'x', dailyCredits: -1 }).expect(400);
    await request(h.url).post('/admin/api/keys').set(admin).send({ name: 'ci' }).expect(400);
    await request(h.url).post('/admin/api/keys').set(admin).send({ name: 'has space' }).expect(400);
    await request(h.url).post('/admin/api/keys').set(admin).send({ name: 'y', secret: 'chosen' }).expect(400);
    await request(h.url).post('/admin/api/keys').set(bearer(PROXY_KEY)).send({ name: 'z' }).expect(401);

    expect(bad.body.error).toMatchObject({ param: 'dailyCredits', message: 'dailyCredits must be a number of Kiro credits above 0 (at most 1e9), or null for no budget' });
  });

  it('keeps created keys and their spend of the day across a restart, without Redis', async () => {
    const file = keysFile();
    const first = await keysHarness({}, file);
    let secret: string;
    try {
      ({ secret } = await createKey(first, { name: 'survives', dailyCredits: 0.03 }));
      for (let i = 0; i < 2; i++) await request(first.url).post('/v1/chat/completions').set(bearer(secret)).send(chat(`before restart ${i}`)).expect(200);
    } finally {
      await first.close();
    }
    const again = await keysHarness({}, file);
    try {
      const refused = await request(again.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('after restart')).expect(429);
      expect(refused.body.error.code).toBe('daily_budget_exceeded');
      expect(readFileSync(file.replace(/\.json$/, '.usage.json'), 'utf8')).not.toContain(secret);
    } finally {
      await again.close();
    }
  });

  it('keeps the changes of two replicas sharing the keys file: a deleted key stays deleted, both new keys stay', async () => {
    const file = keysFile();
    const first = await keysHarness({}, file);
    let second: Harness | undefined;
    try {
      second = await keysHarness({}, file);
      const names = async (replica: Harness) => ((await request(replica.url).get('/admin/api/keys').set(admin).expect(200)).body.data as Array<{ name: string }>).map((k) => k.name);
      const victim = await createKey(first, { name: 'deleted-on-first' });
      await poll(async () => (await names(second!)).includes('deleted-on-first'));

      // Each replica changes the file before it read the other's change (within its 2 s).
      await request(first.url).delete(`/admin/api/keys/${victim.key.id}`).set(admin).expect(204);
      const onSecond = await createKey(second, { name: 'made-on-second' });
      const onFirst = await createKey(first, { name: 'made-on-first' });
      await poll(async () => (await names(second!)).includes('made-on-first') && (await names(first)).includes('made-on-second'));

      for (const replica of [first, second]) {
        await request(replica.url).post('/v1/chat/completions').set(bearer(victim.secret)).send(chat('deleted')).expect(401);
        await request(replica.url).post('/v1/chat/completions').set(bearer(onSecond.secret)).send(chat('made on the second')).expect(200);
        await request(replica.url).post('/v1/chat/completions').set(bearer(onFirst.secret)).send(chat('made on the first')).expect(200);
      }
      const stored = (JSON.parse(readFileSync(file, 'utf8')) as { keys: Array<{ name: string }> }).keys.map((k) => k.name);
      expect(stored.sort()).toEqual(['made-on-first', 'made-on-second']);
    } finally {
      await second?.close();
      await first.close();
    }
  }, 60_000);

  it('refuses to create keys with CLIENT_KEYS_FILE off, serving on with the others', async () => {
    const none = await keysHarness({ CLIENT_KEYS_FILE: 'off' });
    try {
      const refused = await request(none.url).post('/admin/api/keys').set(admin).send({ name: 'nowhere' }).expect(400);
      await request(none.url).post('/v1/chat/completions').set(bearer(STATIC_KEY)).send(chat('static still works')).expect(200);
      expect(refused.body.error.code).toBe('no_keys_file');
    } finally {
      await none.close();
    }
  });

  it('starts and serves with a keys file that cannot be written, refusing only the changes', async () => {
    const blocked = join(mkdtempSync(join(tmpdir(), 'kiro-keys-blocked-')), 'not-a-dir');
    writeFileSync(blocked, 'a file where the directory should be');
    const stuck = await keysHarness({}, join(blocked, 'client-keys.json'));
    try {
      const refused = await request(stuck.url).post('/admin/api/keys').set(admin).send({ name: 'unsaved' }).expect(503);
      await request(stuck.url).post('/v1/chat/completions').set(bearer(PROXY_KEY)).send(chat('still serving')).expect(200);
      expect(refused.body.error.code).toBe('keys_file_unwritable');
      expect((await request(stuck.url).get('/admin/api/keys').set(admin)).body.data.map((k: { name: string }) => k.name)).toEqual(['default', 'ci']);
    } finally {
      await stuck.close();
    }
  });
});

(redisAvailable ? describe : describe.skip)('client key budgets across replicas sharing Redis (e2e)', () => {
  let redis: RunningProcess & { url: string };
  afterAll(() => redis?.stop());

  it("refuses a key on one replica once its requests on the other spent the budget", async () => {
    redis = await startRedis();
    const file = keysFile();
    const first = await keysHarness({ REDIS_URL: redis.url }, file);
    let second: Harness | undefined;
    try {
      second = await keysHarness({ REDIS_URL: redis.url }, file);
      const { secret } = await createKey(first, { name: 'shared-budget', dailyCredits: 0.05 });
      // The other replica reads the shared keys file again when it changes (every 2 s).
      await poll(async () => (await request(second!.url).get('/admin/api/keys').set(admin)).body.data.some((k: { name: string }) => k.name === 'shared-budget'));
      for (let i = 0; i < 3; i++) await request(first.url).post('/v1/chat/completions').set(bearer(secret)).send(chat(`first ${i}`)).expect(200);

      // The second replica reads the shared spend in the background: at most the first request
      // there is admitted on what it knew before (on its own it would admit three).
      const deadline = Date.now() + 10_000;
      const statuses: number[] = [];
      while (Date.now() < deadline && statuses.at(-1) !== 429) {
        statuses.push((await request(second.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('second'))).status);
        if (statuses.at(-1) !== 429) await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(1);

      // A key deleted on one replica is refused by the other too.
      const id = ((await request(first.url).get('/admin/api/keys').set(admin)).body.data as Array<{ id: string; name: string }>).find((k) => k.name === 'shared-budget')!.id;
      await request(first.url).delete(`/admin/api/keys/${id}`).set(admin).expect(204);
      await poll(async () => (await request(second!.url).post('/v1/chat/completions').set(bearer(secret)).send(chat('deleted'))).status === 401);
    } finally {
      await second?.close();
      await first.close();
    }
  }, 60_000);
});
