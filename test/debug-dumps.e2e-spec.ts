import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
});
