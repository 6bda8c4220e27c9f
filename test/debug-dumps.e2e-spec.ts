import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { type Scenario, textReply } from './simulator';
import { decodeFrames } from './simulator/test-frames';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

const PNG = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256)).toString('base64');

function dumps(dir: string): Array<{ name: string; files: Record<string, Buffer> }> {
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, files: Object.fromEntries(readdirSync(join(dir, name)).map((file) => [file, readFileSync(join(dir, name, file))])) }));
}

async function waitForDumps(dir: string, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (readdirSync(dir).length >= count && dumps(dir).every((d) => 'meta.json' in d.files)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`expected ${count} dumps in ${dir}`);
}

describe('DEBUG_MODE dumps (e2e)', () => {
  let dir: string;
  let h: Harness;

  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('all: writes the client request, Kiro request, raw Kiro bytes and client response, without secrets or image bytes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiro-debug-'));
    h = await startHarness({ env: { DEBUG_MODE: 'all', DEBUG_DIR: dir, FAKE_REASONING: 'false' } });
    const tenant = 'tenant-token-that-must-not-be-dumped';
    h.sim.addRefreshToken(tenant);
    h.sim.enqueue(textReply('Dumped answer.', { chunkChars: 4 }));

    await request(h.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${PROXY_KEY}:${tenant}`)
      .send({ model: 'auto', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }] });
    await waitForDumps(dir, 1);

    const [dump] = dumps(dir);
    const all = Object.values(dump.files).map((b) => b.toString('latin1')).join('\n');
    expect(Object.keys(dump.files).sort()).toEqual(['client-request.json', 'client-response.txt', 'kiro-request.json', 'kiro-response.bin', 'meta.json']);
    expect(JSON.parse(dump.files['client-request.json'].toString())).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'auto', stream: true } });
    expect(JSON.parse(dump.files['kiro-request.json'].toString()).conversationState.currentMessage.userInputMessage.content).toBe('look');
    expect(decodeFrames(dump.files['kiro-response.bin']).filter((f) => f.headers[':event-type'] === 'assistantResponseEvent')).toHaveLength(4);
    expect(dump.files['client-response.txt'].toString()).toContain('data: [DONE]');
    expect(JSON.parse(dump.files['meta.json'].toString())).toMatchObject({ status: 200, failed: false });
    expect(all).not.toContain(tenant);
    expect(all).not.toContain(PROXY_KEY);
    expect(all).not.toContain(PNG);
    expect(all).toContain('[base64 image');
  });

  it('errors: writes only failed requests, including streams that failed after their 200', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiro-debug-'));
    h = await startHarness({ env: { DEBUG_MODE: 'errors', DEBUG_DIR: dir, FAKE_REASONING: 'false' } });
    const failing: Scenario = { kind: 'stream', events: [{ type: 'text', content: 'Partial' }, { type: 'exception', exceptionType: 'InternalServerException', message: 'boom' }] };
    // The first call and both resumes fail.
    h.sim.enqueue(textReply('fine'), failing, failing, failing);

    await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}`).send({ model: 'auto', messages: [{ role: 'user', content: 'ok' }] });
    await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}`).send({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'fail' }] });
    await request(h.url).post('/v1/chat/completions').set('Authorization', 'Bearer wrong').send({});
    await waitForDumps(dir, 2);

    const metas = dumps(dir).map((d) => JSON.parse(d.files['meta.json'].toString()) as { status: number; failed: boolean });
    expect(metas.map((m) => [m.status, m.failed]).sort()).toEqual([
      [200, true],
      [401, false],
    ]);
  });
  it("all: dumps no admin API request, and redacts created key secrets, Kiro API keys and a pasted kgw_ key", async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiro-debug-'));
    const data = mkdtempSync(join(tmpdir(), 'kiro-debug-data-'));
    const accounts = join(data, 'accounts.json');
    writeFileSync(accounts, JSON.stringify({ accounts: [{ name: 'a', refreshToken: 'a-refresh-token' }] }), { mode: 0o600 });
    const kiroKey = 'ksk_sim_dumped_0123456789abcdef';
    const pasted = 'kgw_PastedIntoAPromptNotAKeyOfThisGateway0123';
    const adminKey = 'admin-key-for-the-dump-tests';
    const admin = { Authorization: `Bearer ${adminKey}` };
    h = await startHarness({
      simulator: { defaultScenario: textReply('ok'), accounts: [{ name: 'a' }, { name: 'b', apiKeys: [kiroKey] }] },
      env: { DEBUG_MODE: 'all', DEBUG_DIR: dir, FAKE_REASONING: 'false', ADMIN_API_KEY: adminKey, KIRO_ACCOUNTS_FILE: accounts, REFRESH_TOKEN: '', CLIENT_KEYS_FILE: join(data, 'client-keys.json') },
    });

    const created = await request(h.url).post('/admin/api/keys').set(admin).send({ name: 'dumped' }).expect(201);
    const secret = created.body.secret as string;
    await request(h.url).post('/admin/api/accounts').set(admin).send({ name: 'b', apiKey: kiroKey }).expect(201);
    await request(h.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${secret}`)
      .set('X-Request-ID', 'pasted-key')
      .send({ model: 'auto', messages: [{ role: 'user', content: `keys: ${pasted} and ${secret} and ${kiroKey}` }] })
      .expect(200);
    await waitForDumps(dir, 1);
    const log = await request(h.url).get('/admin/api/requests?limit=50').set(admin).expect(200);
    const entry = (log.body.data as Array<{ requestId: string; entryId: string }>).find((e) => e.requestId === 'pasted-key');
    const bodies = await request(h.url).get(`/admin/api/requests/by-id/${entry?.entryId}/bodies`).set(admin).expect(200);

    const all = dumps(dir);
    const everything = all.flatMap((d) => Object.values(d.files).map((b) => b.toString('latin1'))).join('\n');
    expect(secret).toMatch(/^kgw_/);
    expect(all.map((d) => JSON.parse(d.files['client-request.json'].toString()).path)).toEqual(['/v1/chat/completions']);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(kiroKey);
    expect(everything).not.toContain(pasted);
    expect(JSON.parse(all[0].files['client-request.json'].toString()).body.messages[0].content).toBe('keys: [redacted] and [redacted] and [redacted]');
    expect(bodies.body.available).toBe(true);
    expect(JSON.parse(bodies.body.request.text).body.messages[0].content).toBe('keys: [redacted] and [redacted] and [redacted]');
    expect(JSON.stringify(bodies.body)).not.toMatch(new RegExp(`${pasted}|${secret}|${kiroKey}`));
    rmSync(data, { recursive: true, force: true });
  });
});
