import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { INVALID_MODEL, type SimAccountOptions, type SimulatorOptions, textEvents, textReply, toolCallReply } from './simulator';
import { kiroCalls } from './agents/agent-support';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Several Kiro accounts behind one gateway (KIRO_ACCOUNTS_FILE) against simulator accounts that
 * each have their own tokens, catalog, quota and faults.
 */

const ADMIN_KEY = 'admin-key-for-the-accounts-tests';
const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const chat = (content = 'hi', extra: Record<string, unknown> = {}) => ({ model: 'auto', messages: [{ role: 'user', content }], ...extra });

function accountsFile(entries: unknown[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kiro-accounts-')), 'accounts.json');
  writeFileSync(path, JSON.stringify({ accounts: entries }, null, 2), { mode: 0o600 });
  return path;
}

async function poolHarness(
  accounts: SimAccountOptions[],
  entries: Array<Record<string, unknown>>,
  env: Record<string, string> = {},
  simulator: SimulatorOptions = {},
): Promise<Harness & { file: string }> {
  const file = accountsFile(entries);
  const h = await startHarness({
    simulator: { defaultScenario: textReply('ok', { meteringUsage: 1 }), ...simulator, accounts },
    env: { KIRO_ACCOUNTS_FILE: file, REFRESH_TOKEN: '', ADMIN_API_KEY: ADMIN_KEY, ACCOUNT_STRATEGY: 'round_robin', ...env },
  });
  return Object.assign(h, { file });
}

/** The simulator account each chat call was for, in order. */
const servedBy = (h: Harness): Array<string | undefined> =>
  h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && r.status === 200).map((r) => r.account);

async function states(h: Harness): Promise<Record<string, { kind: string; reason?: string; until?: number }>> {
  const res = await request(h.url).get('/admin/api/accounts').set(admin);
  return Object.fromEntries((res.body.data as Array<{ name: string; state: { kind: string } }>).map((a) => [a.name, a.state]));
}

describe('three accounts: one suspended, one out of quota, one throttled, mid-run (e2e)', () => {
  let h: Harness & { file: string };

  beforeAll(async () => {
    h = await poolHarness(
      [{ name: 'a' }, { name: 'b', usageLimit: 4 }, { name: 'c' }],
      ['a', 'b', 'c'].map((name) => ({ name, refreshToken: `${name}-refresh-token` })),
    );
  });
  afterAll(() => h.close());

  it('serves every client request on a healthy account, and no client sees an error it did not cause', async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 12; round++) {
      if (round === 3) h.sim.account('a').setFault('suspend');
      // Throttling that ends within the retries: the account keeps serving.
      if (round === 5) h.sim.account('c').setFault('throttle', { times: 2 });
      const results = await Promise.all([0, 1, 2].map((i) => request(h.url).post('/v1/chat/completions').set(auth).send(chat(`round ${round} #${i}`))));
      statuses.push(...results.map((r) => r.status));
    }

    expect(statuses).toEqual(Array(36).fill(200));
    const now = await states(h);
    expect(now.a).toEqual({ kind: 'disabled', reason: 'suspended' });
    // Disabled until the reset date getUsageLimits gives, not a hard-coded first of the month.
    expect(now.b).toEqual({ kind: 'disabled', reason: 'quota_exhausted', until: h.sim.account('b').nextDateReset * 1000 });
    expect(now.c).toEqual({ kind: 'healthy' });
    expect(h.sim.account('b').stats.served).toBe(4);
  });

  it('sends nothing more to the suspended account, and logs the change once in /metrics', async () => {
    const before = h.sim.account('a').stats.chatRequests;

    const results = await Promise.all([0, 1, 2, 3].map(() => request(h.url).post('/v1/chat/completions').set(auth).send(chat())));
    const metrics = (await request(h.url).get('/metrics').set(auth)).text;

    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(h.sim.account('a').stats.chatRequests).toBe(before);
    expect(metrics).toContain('kiro_gateway_account_state_changes_total{account="a",state="disabled",reason="suspended"} 1');
    expect(metrics).toContain('kiro_gateway_account_state{account="a",state="disabled"} 1');
  });

  it('answers GET /v1/usage with the credits the usable accounts have left', async () => {
    const res = await request(h.url).get('/v1/usage').set(auth);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'usage', accounts: { total: 3, available: 1 } });
    expect(res.body.remaining_credits).toBe(1000 - h.sim.account('c').used);
  });
});

describe('session affinity and failover (e2e)', () => {
  let h: Harness & { file: string };

  beforeAll(async () => {
    h = await poolHarness(
      [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
      ['a', 'b', 'c'].map((name) => ({ name, refreshToken: `${name}-refresh-token` })),
    );
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.sim.reset();
    for (const account of h.sim.accounts) account.clearFault();
  });

  const claudeCodeTurn = (session: string, turns: number) => ({
    model: 'claude-sonnet-4-5',
    max_tokens: 64,
    metadata: { user_id: `user_0123abcd_account_11111111-2222-3333-4444-555555555555_session_${session}` },
    messages: Array.from({ length: turns * 2 - 1 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: i === 0 ? 'start' : `turn ${i}` })),
  });

  it('keeps a Claude Code session (same metadata.user_id) on one account across turns', async () => {
    const session = 'aaaaaaaa-1111-4222-8333-444444444444';
    for (let turn = 1; turn <= 5; turn++) {
      // Other traffic in between would move a round robin on.
      await request(h.url).post('/v1/chat/completions').set(auth).send(chat(`noise ${turn}`));
      const res = await request(h.url).post('/v1/messages').set(auth).send(claudeCodeTurn(session, turn));
      expect(res.status).toBe(200);
    }

    const sessionCalls = h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && JSON.stringify(r.body).includes('start'));
    expect(new Set(sessionCalls.map((r) => r.account)).size).toBe(1);
    expect(sessionCalls).toHaveLength(5);
    expect(new Set(servedBy(h)).size).toBe(3);
  });

  it('moves a session to another account only when its account fails hard, and keeps it there', async () => {
    const session = 'bbbbbbbb-1111-4222-8333-444444444444';
    await request(h.url).post('/v1/messages').set(auth).send(claudeCodeTurn(session, 1));
    const first = servedBy(h)[0] as string;
    h.sim.account(first).setFault('suspicious');

    const moved = await request(h.url).post('/v1/messages').set(auth).send(claudeCodeTurn(session, 2));
    const again = await request(h.url).post('/v1/messages').set(auth).send(claudeCodeTurn(session, 3));

    expect([moved.status, again.status]).toEqual([200, 200]);
    const [, second, third] = servedBy(h);
    expect(second).not.toBe(first);
    expect(third).toBe(second);
    expect((await states(h))[first]).toMatchObject({ kind: 'cooling', reason: 'suspicious_activity' });
    await request(h.url).post(`/admin/api/accounts/${first}/enable`).set(admin).expect(200);
  });

  it('never replays a request that already streamed bytes: it is resumed from what was sent (issue 20)', async () => {
    h.sim.enqueue({ kind: 'stream', events: textEvents('partial answer that is cut', 4), cutAfterFrames: 3 }, { kind: 'stream', events: textEvents('partial answer that is cut', 4) });

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat('cut me', { stream: true }));

    const chunks = parseSse(res.text);
    expect(res.status).toBe(200);
    expect(chunks.at(-1)).toBe('[DONE]');
    const text = chunks.flatMap((c) => (c !== '[DONE]' && Array.isArray(c.choices) ? c.choices : [])).map((c) => (c as { delta: { content?: string } }).delta.content ?? '').join('');
    expect(text).toBe('partial answer that is cut');
    // The second call is a continuation of the partial turn, not the same request again.
    const calls = kiroCalls(h);
    expect(calls).toHaveLength(2);
    expect(calls[1].history.at(-1)).toStrictEqual({ assistantResponseMessage: { content: 'partial answ' } });
    expect(calls[1].content).toMatch(/^Your previous answer was cut off/);
  });

  it('asks again for a tool call Kiro cut off on a lease of its own: failed over when its account is suspended meanwhile', async () => {
    const tools = [{ type: 'function', function: { name: 'Write', parameters: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] } } }];
    h.sim.enqueue(
      // Slow frames: time for the test to suspend the account before the cut turn ends.
      { kind: 'stream', frameDelayMs: 400, events: [{ type: 'toolUse', toolUseId: 'tooluse_cut', name: 'Write' }, { type: 'toolUse', toolUseId: 'tooluse_cut', name: 'Write', input: '{"path":"b.txt","content":"BB' }] },
      toolCallReply('tooluse_small', 'Write', '{"path":"b.txt","content":"B"}'),
    );

    const answered = request(h.url).post('/v1/chat/completions').set(auth).send(chat('write it', { tools })).then((res) => res);
    await h.sim.waitFor(() => servedBy(h).length === 1, 5000);
    const first = servedBy(h)[0] as string;
    h.sim.account(first).setFault('suspend');
    const res = await answered;

    expect(res.status).toBe(200);
    expect(res.body.choices[0].finish_reason).toBe('tool_calls');
    expect(res.body.choices[0].message.tool_calls.map((call: { id: string }) => call.id)).toStrictEqual(['tooluse_small']);
    const served = servedBy(h);
    expect(served).toHaveLength(2);
    expect(served[1]).not.toBe(first);
    expect(kiroCalls(h)[1].content).toContain('Your previous answer was cut off by the output limit');
    await request(h.url).post(`/admin/api/accounts/${first}/enable`).set(admin).expect(200);
  });

  it('fails over a request refused before its first byte (suspension) to another account', async () => {
    const target = h.sim.accounts.filter((a) => a.name !== 'default');
    for (const account of target.slice(0, 2)) account.setFault('suspend');

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat('must land on c'));

    expect(res.status).toBe(200);
    expect(servedBy(h)).toEqual([target[2].name]);
    for (const account of target.slice(0, 2)) await request(h.url).post(`/admin/api/accounts/${account.name}/enable`).set(admin).expect(200);
  });

  it('passes a request error (400) straight back without trying another account', async () => {
    h.sim.enqueue({ kind: 'http-error', status: 400, body: { message: 'Improperly formed request.', reason: null } });

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat());

    expect(res.status).toBe(400);
    expect(h.sim.stats.chatRequests).toBe(1);
    expect(Object.values(await states(h)).every((s) => s.kind === 'healthy')).toBe(true);
  });
});

describe('accounts with their own plans, keys and limits (e2e)', () => {
  let h: Harness & { file: string };

  beforeAll(async () => {
    h = await poolHarness(
      [{ name: 'small', models: ['auto', 'claude-haiku-4.5'] }, { name: 'keyed', apiKeys: ['ksk_sim_keyed_0123456789'] }],
      [
        { name: 'small', refreshToken: 'small-refresh-token', priority: 0 },
        { name: 'keyed', apiKey: 'ksk_sim_keyed_0123456789', priority: 1, maxConcurrency: 1 },
      ],
      { ACCOUNT_STRATEGY: 'priority', ACCOUNT_QUEUE_SIZE: '1', ACCOUNT_QUEUE_TIMEOUT: '10' },
      { rotateRefreshTokens: true },
    );
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it("lists the catalog of the pool's first healthy account as /v1/models, with the names clients know those models by", async () => {
    const res = await request(h.url).get('/v1/models').set(auth);

    expect(res.status).toBe(200);
    const ids = (res.body.data as Array<{ id: string }>).map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['auto', 'claude-haiku-4.5', 'claude-haiku-4-5']));
    expect(ids.filter((id) => id.includes('opus') || id.includes('sonnet'))).toEqual([]);
  });

  it("serves a model one account's catalog lacks on another, and keeps the first for the models it has", async () => {
    // Each its own conversation: one conversation would stay on the account that served it.
    const opus = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...chat('opus please'), model: 'claude-opus-4.5' });
    const auto = await request(h.url).post('/v1/chat/completions').set(auth).send(chat('auto please'));

    expect([opus.status, auto.status]).toEqual([200, 200]);
    expect(servedBy(h)).toEqual(['keyed', 'small']);
  });

  it("fails over Kiro's INVALID_MODEL_ID to an account whose plan has the model, skipping the first for that model only", async () => {
    h.sim.enqueue({ kind: 'http-error', status: 400, body: INVALID_MODEL });

    const haiku = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...chat('haiku 1'), model: 'claude-haiku-4.5' });
    const again = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...chat('haiku 2'), model: 'claude-haiku-4.5' });
    const auto = await request(h.url).post('/v1/chat/completions').set(auth).send(chat('auto 2'));

    expect([haiku.status, again.status, auto.status]).toEqual([200, 200, 200]);
    const calls = h.sim.requests.filter((r) => r.path === '/generateAssistantResponse');
    expect(calls.map((r) => [r.account, r.status])).toEqual([['small', 400], ['keyed', 200], ['keyed', 200], ['small', 200]]);
  });

  it('answers 404 for a model no account has, after trying each once', async () => {
    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...chat(), model: 'gpt-4o' });

    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('model_not_found');
  });

  it('sends an API key as the bearer with tokentype: API_KEY and never refreshes it', async () => {
    h.sim.account('small').setFault('throttle');
    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat());
    h.sim.account('small').clearFault();

    expect(res.status).toBe(200);
    const keyed = h.sim.requests.find((r) => r.account === 'keyed' && r.path === '/generateAssistantResponse');
    expect(keyed?.headers).toMatchObject({ authorization: 'Bearer ksk_sim_keyed_0123456789', tokentype: 'API_KEY' });
    expect(h.sim.account('keyed').stats.refreshes).toBe(0);
    await request(h.url).post('/admin/api/accounts/small/enable').set(admin).expect(200);
  });

  it('writes a rotated refresh token back into its entry of the accounts file, 0600', () => {
    const entry = (JSON.parse(readFileSync(h.file, 'utf8')).accounts as Array<Record<string, unknown>>).find((a) => a.name === 'small');

    expect(entry?.refreshToken).toMatch(/^aorSim/);
    expect(h.sim.account('small').tokens.knows(entry?.refreshToken as string)).toBe(true);
    expect(statSync(h.file).mode & 0o777).toBe(0o600);
  });

  it('queues past an account\'s concurrency limit and answers a local 429 with Retry-After when the queue is full', async () => {
    await request(h.url).post('/admin/api/accounts/small/disable').set(admin).expect(200);
    h.sim.enqueue({ ...textReply('slow'), firstByteDelayMs: 600 }, { ...textReply('second') });

    // supertest sends on then(): start both now.
    const first = request(h.url).post('/v1/chat/completions').set(auth).send(chat('one')).then((r) => r);
    await h.sim.waitFor((sim) => sim.stats.activeStreams === 1, 5000);
    const queued = request(h.url).post('/v1/chat/completions').set(auth).send(chat('two')).then((r) => r);
    const refused = await waitForBusy(h);
    const [one, two] = await Promise.all([first, queued]);

    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.error).toMatchObject({ type: 'rate_limit_error', code: 'accounts_busy' });
    expect([one.status, two.status]).toEqual([200, 200]);
    await request(h.url).post('/admin/api/accounts/small/enable').set(admin).expect(200);
  });
});

/** A third request while one is served and one waits: polled, since the second may not have queued yet. */
async function waitForBusy(h: Harness): Promise<request.Response> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat('three'));
    if (res.status === 429 || Date.now() > deadline) return res;
  }
}

describe('admin API (e2e)', () => {
  let h: Harness & { file: string };

  beforeAll(async () => {
    h = await poolHarness([{ name: 'a' }, { name: 'b', apiKeys: ['ksk_sim_b_0123456789abcdef'] }], [{ name: 'a', refreshToken: 'a-refresh-token', proxy: 'http://user:secret@127.0.0.1:9' }]);
  });
  afterAll(() => h.close());

  it('refuses a missing or wrong admin key, and the proxy key', async () => {
    const statuses = await Promise.all([
      request(h.url).get('/admin/api/accounts'),
      request(h.url).get('/admin/api/accounts').set({ Authorization: 'Bearer wrong-admin-key-xxxxxxxx' }),
      request(h.url).get('/admin/api/accounts').set(auth),
    ]);

    expect(statuses.map((r) => r.status)).toEqual([401, 401, 401]);
  });

  it('lists accounts with state and limits, never a token, key or proxy password', async () => {
    const res = await request(h.url).get('/admin/api/accounts').set(admin);

    expect(res.status).toBe(200);
    expect(res.body.data[0]).toMatchObject({ name: 'a', kind: 'refresh-token', state: { kind: 'healthy' }, proxy: 'http://***@127.0.0.1:9', inFlight: 0 });
    expect(res.text).not.toMatch(/a-refresh-token|secret|aoaSim/);
  });

  it('adds an API-key account, persists it, tests it, tunes it, disables it and removes it', async () => {
    const added = await request(h.url).post('/admin/api/accounts').set(admin).send({ name: 'b', apiKey: 'ksk_sim_b_0123456789abcdef', weight: 2 });
    const tested = await request(h.url).post('/admin/api/accounts/b/test').set(admin);
    const tuned = await request(h.url).patch('/admin/api/accounts/b').set(admin).send({ priority: 3, maxConcurrency: 4 });
    const disabled = await request(h.url).post('/admin/api/accounts/b/disable').set(admin);
    const persisted = JSON.parse(readFileSync(h.file, 'utf8')).accounts;
    const refresh = await request(h.url).post('/admin/api/accounts/b/refresh').set(admin);
    const removed = await request(h.url).delete('/admin/api/accounts/b').set(admin);

    expect(added.status).toBe(201);
    expect(added.text).not.toContain('ksk_sim_b_0123456789abcdef');
    expect(tested.body).toMatchObject({ ok: true, account: { usage: { plan: 'KIRO PRO', limit: 1000 } } });
    expect(tuned.body).toMatchObject({ priority: 3, maxConcurrency: 4, weight: 2 });
    expect(disabled.body.state).toEqual({ kind: 'disabled', reason: 'operator' });
    expect(persisted[1]).toEqual({ name: 'b', apiKey: 'ksk_sim_b_0123456789abcdef', weight: 2, priority: 3, maxConcurrency: 4, disabled: true });
    expect(refresh.status).toBe(400);
    expect(removed.status).toBe(204);
    expect(JSON.parse(readFileSync(h.file, 'utf8')).accounts.map((a: { name: string }) => a.name)).toEqual(['a']);
  });

  it('refuses an account that cannot be used, naming the problem', async () => {
    const res = await request(h.url).post('/admin/api/accounts').set(admin).send({ name: 'bad', apiKey: 'not-a-kiro-key' });

    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('apiKey must be a Kiro API key');
  });

  it('documents the admin API under its own tag and security scheme', async () => {
    const doc = (await request(h.url).get('/docs-json')).body;

    expect(doc.components.securitySchemes['admin-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/admin/api/accounts'].get.tags).toEqual(['admin']);
    expect(doc.paths['/admin/api/accounts'].get.security).toEqual([{ 'admin-key': [] }]);
  });
});

describe('the admin API at the pool\'s bound (e2e)', () => {
  let h: Harness & { file: string };
  const key = (i: number) => `ksk_sim_${i}_0123456789abcdef`;

  beforeAll(async () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({ name: `k${i}`, apiKey: key(i) }));
    h = await poolHarness([{ name: 'k0', apiKeys: [key(0)] }], entries);
  });
  afterAll(() => h.close());

  it('refuses a 1,001st account with a 400 naming the bound, and leaves the accounts file as it was', async () => {
    const res = await request(h.url).post('/admin/api/accounts').set(admin).send({ name: 'one-more', apiKey: key(1000) });

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'too_many_accounts', message: expect.stringContaining('maximum of 1000 accounts') });
    expect(JSON.parse(readFileSync(h.file, 'utf8')).accounts).toHaveLength(1000);
    const listed = Object.keys(await states(h));
    expect(listed).toHaveLength(1000);
    expect(listed).not.toContain('one-more');
  });
});

describe('the admin API without ADMIN_API_KEY (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('does not exist, and the single login serves as a pool of one', async () => {
    const res = await request(h.url).get('/admin/api/accounts').set(auth);
    const doc = (await request(h.url).get('/docs-json')).body;
    const health = await request(h.url).get('/health').set(auth);

    expect(res.status).toBe(404);
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/admin'))).toEqual([]);
    expect(health.body.accounts).toEqual([{ name: 'default', state: 'healthy', inFlight: 0 }]);
  });

  it("answers GET /v1/usage from the single login's limits, and a tenant's from its own login", async () => {
    const gateway = await request(h.url).get('/v1/usage').set(auth);
    const tenant = await request(h.url).get('/v1/usage').set({ Authorization: `Bearer ${PROXY_KEY}:sim-refresh-token` });

    expect(gateway.body).toEqual({ object: 'usage', remaining_credits: 1000, limit_credits: 1000, used_credits: 0, next_reset: new Date(h.sim.account('default').nextDateReset * 1000).toISOString(), accounts: { total: 1, available: 1 } });
    expect(tenant.body).toEqual({ object: 'usage', remaining_credits: 1000, limit_credits: 1000, used_credits: 0, next_reset: gateway.body.next_reset });
    expect(h.sim.requests.filter((r) => r.path === '/getUsageLimits').map((r) => r.query)).toEqual([
      { origin: 'AI_EDITOR', resourceType: 'AGENTIC_REQUEST', profileArn: expect.any(String) },
      { origin: 'AI_EDITOR', resourceType: 'AGENTIC_REQUEST', profileArn: expect.any(String) },
    ]);
  });
});

describe('accounts from a Kiro IDE token file, and imported logins (e2e)', () => {
  let h: Harness & { file: string };
  let ideFile: string;

  beforeAll(async () => {
    ideFile = join(mkdtempSync(join(tmpdir(), 'kiro-ide-')), 'kiro-auth-token.json');
    writeFileSync(ideFile, JSON.stringify({ refreshToken: 'ide-refresh-token', authMethod: 'social', provider: 'Github', region: 'us-east-1', keep: 'me' }));
    h = await poolHarness([{ name: 'ide' }, { name: 'imported' }], [{ name: 'ide', credsFile: ideFile }], {}, { rotateRefreshTokens: true });
  });
  afterAll(() => h.close());

  it('serves from an IDE token file and writes the rotated token back into it, keeping its other fields', async () => {
    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat('from the ide'));

    const written = JSON.parse(readFileSync(ideFile, 'utf8'));
    expect(res.status).toBe(200);
    expect(servedBy(h)).toEqual(['ide']);
    expect(written).toMatchObject({ keep: 'me', refreshToken: expect.stringMatching(/^aorSim/) });
    expect(h.sim.account('ide').tokens.knows(written.refreshToken)).toBe(true);
  });

  it('imports a Kiro IDE login into a new account of the accounts file', async () => {
    const loginFile = join(mkdtempSync(join(tmpdir(), 'kiro-ide-')), 'kiro-auth-token.json');
    writeFileSync(loginFile, JSON.stringify({ refreshToken: 'imported-refresh-token', authMethod: 'social', region: 'us-east-1' }));

    const imported = await request(h.url).post('/admin/api/accounts/import').set(admin).send({ name: 'imported', from: 'kiro-ide', path: loginFile, priority: 0 });
    await request(h.url).post('/admin/api/accounts/ide/disable').set(admin).expect(200);
    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat('on the imported one'));

    expect(imported.status).toBe(201);
    expect(imported.text).not.toContain('imported-refresh-token');
    expect(res.status).toBe(200);
    expect(servedBy(h).at(-1)).toBe('imported');
    const entries = JSON.parse(readFileSync(h.file, 'utf8')).accounts;
    expect(entries.find((a: { name: string }) => a.name === 'imported')).toMatchObject({ authMethod: 'social', region: 'us-east-1' });
  });
});

describe('a SOCKS5 proxy per account (e2e)', () => {
  it('reaches Kiro through the socks5:// proxy of the account', async () => {
    const socks = await startSocks5();
    const h = await poolHarness([{ name: 's' }], [{ name: 's', refreshToken: 's-refresh-token', proxy: socks.url }]);
    try {
      const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat());

      expect(res.status).toBe(200);
      expect(socks.connections()).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
      await socks.close();
    }
  });
});

/** A minimal SOCKS5 server (no authentication, CONNECT to IPv4 or a domain), counting tunnels. */
async function startSocks5(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = createTcpServer((socket) => {
    socket.once('data', (greeting) => {
      if (greeting[0] !== 5) return socket.destroy();
      socket.write(Buffer.from([5, 0]));
      socket.once('data', (req) => {
        let host: string;
        let offset: number;
        if (req[3] === 1) {
          host = `${req[4]}.${req[5]}.${req[6]}.${req[7]}`;
          offset = 8;
        } else if (req[3] === 3) {
          host = req.subarray(5, 5 + req[4]).toString();
          offset = 5 + req[4];
        } else return socket.destroy();
        const port = req.readUInt16BE(offset);
        const upstream = connect(port, host, () => {
          count++;
          socket.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          upstream.pipe(socket);
          socket.pipe(upstream);
        });
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    url: `socks5://127.0.0.1:${port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('outbound proxies (e2e)', () => {
  let proxy: { url: string; seen: string[]; close: () => Promise<void> };

  beforeAll(async () => {
    proxy = await startForwardProxy();
  });
  afterAll(() => proxy.close());

  it("sends every upstream call of an account through its own proxy, its refresh included", async () => {
    const h = await poolHarness([{ name: 'p' }], [{ name: 'p', refreshToken: 'p-refresh-token', proxy: proxy.url }]);
    try {
      const res = await request(h.url).post('/v1/chat/completions').set(auth).send(chat());

      expect(res.status).toBe(200);
      expect(proxy.seen).toEqual(expect.arrayContaining([`${h.sim.url.replace('http://', '')}`]));
      expect(proxy.seen.length).toBeGreaterThanOrEqual(2);
    } finally {
      await h.close();
    }
  });

  it('honours HTTPS_PROXY / HTTP_PROXY for the single login, and NO_PROXY over it', async () => {
    // Counted from before start-up: the login's refresh and the model list are fetched then, and
    // the chat may reuse their tunnel.
    const before = proxy.seen.length;
    const via = await startHarness({ env: { HTTP_PROXY: proxy.url } });
    try {
      expect((await request(via.url).post('/v1/chat/completions').set(auth).send(chat())).status).toBe(200);
      expect(proxy.seen.length).toBeGreaterThanOrEqual(before + 2);
    } finally {
      await via.close();
    }
    const after = proxy.seen.length;
    const bypass = await startHarness({ env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    try {
      expect((await request(bypass.url).post('/v1/chat/completions').set(auth).send(chat())).status).toBe(200);
      expect(proxy.seen.length).toBe(after);
    } finally {
      await bypass.close();
    }
  });
});

/** A minimal HTTP forward proxy (CONNECT tunnels and absolute-URI requests), recording each target. */
async function startForwardProxy(): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/');
    seen.push(target.host);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, socket, head) => {
    seen.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
