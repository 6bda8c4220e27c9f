import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { selfSignedCertificate, textReply } from './simulator';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * The connections to Kiro (issue 18): HTTPS as real Kiro serves it (the simulator's certificate is
 * made now and trusted through KIRO_TEST_CA_FILE), kept alive and reused by default, one
 * connection per stream with KIRO_STREAM_CONNECTION_CLOSE=true, and exactly one immediate retry,
 * on a new connection, when a reused connection dies before any byte of the answer.
 * MAX_RETRIES=0 throughout: only the stale-connection retry can save a dropped request. That a
 * request dropped on a new connection is not retried is undici-kiro-transport.spec.ts's.
 */
describe('connections to Kiro (e2e)', () => {
  let tls: { key: string; cert: string };
  let caFile: string;
  let h: Harness | undefined;

  beforeAll(async () => {
    tls = await selfSignedCertificate();
    caFile = join(mkdtempSync(join(tmpdir(), 'kiro-ca-')), 'sim-ca.pem');
    writeFileSync(caFile, tls.cert);
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** A gateway that has answered once (and fetched the model catalog): its pool holds connections. */
  const start = async (env: Record<string, string> = {}) => {
    h = await startHarness({ simulator: { tls }, env: { KIRO_TEST_CA_FILE: caFile, MAX_RETRIES: '0', ...env } });
    h.sim.enqueue(textReply('warm-up'));
    expect((await stream(h)).status).toBe(200);
    h.sim.reset();
    return h;
  };
  const stream = (harness: Harness) =>
    request(harness.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}`).send({ model: 'claude-sonnet-4.5', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  const textOf = (body: string) =>
    parseSse(body)
      .filter((event) => event !== '[DONE]')
      .map((event) => ((event as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? ''))
      .join('');

  it('streams from Kiro over HTTPS, trusting the simulator certificate through KIRO_TEST_CA_FILE', async () => {
    const harness = await start();
    harness.sim.enqueue(textReply('Over TLS.'));

    const res = await stream(harness);

    expect(harness.sim.url.startsWith('https://')).toBe(true);
    expect(res.status).toBe(200);
    expect(textOf(res.text)).toBe('Over TLS.');
  });

  it('does not trust the self-signed certificate without the setting', async () => {
    h = await startHarness({ simulator: { tls }, env: { MAX_RETRIES: '0' } });

    const res = await stream(h);

    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.text).toMatch(/certificate/i);
    expect(h.sim.stats.chatRequests).toBe(0);
  });

  it('reuses its connections for consecutive streams by default', async () => {
    const harness = await start();
    harness.sim.enqueue(textReply('one'), textReply('two'), textReply('three'));

    const texts = [textOf((await stream(harness)).text), textOf((await stream(harness)).text), textOf((await stream(harness)).text)];

    expect(texts).toEqual(['one', 'two', 'three']);
    expect(harness.sim.stats.connections).toBe(0);
  });

  it('opens a connection per stream with KIRO_STREAM_CONNECTION_CLOSE=true (the old behaviour)', async () => {
    const harness = await start({ KIRO_STREAM_CONNECTION_CLOSE: 'true' });
    harness.sim.enqueue(textReply('one'), textReply('two'), textReply('three'));

    for (let i = 0; i < 3; i++) expect((await stream(harness)).status).toBe(200);


    const chats = harness.sim.requests.filter((r) => r.path === '/generateAssistantResponse');
    expect(chats.map((r) => r.headers.connection)).toEqual(['close', 'close', 'close']);
    expect(new Set(chats.map((r) => r.connection)).size).toBe(3);
  });

  it('retries once, at once and on a new connection, when a reused connection is closed before any byte', async () => {
    const harness = await start();
    harness.sim.enqueue({ kind: 'drop' }, textReply('after the retry'));

    const res = await stream(harness);

    expect(res.status).toBe(200);
    expect(textOf(res.text)).toBe('after the retry');
    expect(harness.sim.stats.chatRequests).toBe(2);
    expect(harness.sim.stats.connections).toBe(1);
  });

  it('retries a dropped request only once', async () => {
    const harness = await start();
    harness.sim.enqueue({ kind: 'drop' }, { kind: 'drop' }, textReply('never sent'));

    const res = await stream(harness);

    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(harness.sim.stats.chatRequests).toBe(2);
    expect(harness.sim.pendingScenarios).toBe(1);
  });
});
