import request from 'supertest';
import { KiroSimulator, serverError, textReply } from './simulator';
import { startGatewayProcess, type RunningProcess } from './support/processes';

const KEY = 'logging-test-key';
const TENANT = 'tenant-refresh-token-never-logged';

type LogLine = Record<string, unknown>;

/** The gateway's JSON log lines matching `predicate`, polled until there are `count` of them. */
async function logLines(gateway: RunningProcess, predicate: (line: LogLine) => boolean, count = 1): Promise<LogLine[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = gateway
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine)
      .filter(predicate);
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('structured logs of a gateway process (e2e)', () => {
  let sim: KiroSimulator;
  let gateway: RunningProcess & { url: string };

  beforeAll(async () => {
    sim = await KiroSimulator.start({ defaultScenario: textReply('logged') });
    sim.addRefreshToken(TENANT);
    // Resumes off: a cut answer reaches the client as the failure whose log line is checked.
    gateway = await startGatewayProcess({ ...sim.gatewayEnv(), PROXY_API_KEY: KEY, LOG_LEVEL: 'INFO', LOG_FORMAT: 'json', FAKE_REASONING: 'false', BASE_RETRY_DELAY: '0.01', STREAM_MAX_RESUMES: '0' });
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    await sim?.close();
  });

  it('writes one JSON line per request with its id, and never a key or token', async () => {
    const res = await request(gateway.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${KEY}:${TENANT}`)
      .set('X-Request-ID', 'log-check-1')
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);

    const deadline = Date.now() + 5_000;
    let line: Record<string, unknown> | undefined;
    while (!line && Date.now() < deadline) {
      line = gateway
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((entry) => entry.requestId === 'log-check-1');
      if (!line) await new Promise((resolve) => setTimeout(resolve, 50));
    }

    expect(line).toMatchObject({ level: 30, context: 'HTTP', method: 'POST', path: '/v1/chat/completions', status: 200, model: 'auto', stream: false, msg: expect.stringMatching(/^POST \/v1\/chat\/completions 200 \d+ms$/) });
    expect(gateway.output()).not.toContain(TENANT);
    expect(gateway.output()).not.toContain(KEY);
  });

  it('gives each retry warning the id of the request it retries', async () => {
    sim.enqueue(serverError(), textReply('after a retry'));

    const res = await request(gateway.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${KEY}`)
      .set('X-Request-ID', 'log-retry-1')
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);

    const retries = await logLines(gateway, (line) => line.context === 'KiroClient' && line.level === 40);
    expect(retries).toEqual([expect.objectContaining({ requestId: 'log-retry-1', msg: expect.stringMatching(/; retry 1\/3 in \d+ ms$/) })]);
  });

  it("logs the HTTP client's own words for a connection Kiro cut, which the client is not shown", async () => {
    sim.enqueue({ ...textReply('This reply is cut off after three frames'), cutAfterFrames: 2 });

    const res = await request(gateway.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${KEY}`)
      .set('X-Request-ID', 'log-cut-1')
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(502);

    const cuts = await logLines(gateway, (line) => line.requestId === 'log-cut-1' && line.context === 'KiroClient');
    expect(cuts).toEqual([expect.objectContaining({ level: 40, msg: expect.stringMatching(/^Kiro's answer broke off: \S+/) })]);
    expect(String(cuts[0].msg)).not.toBe("Kiro's answer broke off: unknown network error");
  });

  it('logs why a tenant token refresh failed, with the request id, and not the token', async () => {
    const unknownTenant = 'tenant-token-the-simulator-refuses';

    const res = await request(gateway.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${KEY}:${unknownTenant}`)
      .set('X-Request-ID', 'log-refresh-1')
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(401);

    const failures = await logLines(gateway, (line) => line.context === 'TokenRefresher');
    expect(failures).toEqual([
      expect.objectContaining({ level: 40, requestId: 'log-refresh-1', msg: 'Kiro token refresh failed (social, tenant refresh token): the token service refused it (HTTP 400)' }),
    ]);
    expect(gateway.output()).not.toContain(unknownTenant);
  });
});

describe('a gateway whose stdout is not being read (e2e)', () => {
  it('keeps serving while the log pipe is full, and writes every line, in order, once it drains and the gateway stops', async () => {
    const sim = await KiroSimulator.start();
    const gateway = await startGatewayProcess({ ...sim.gatewayEnv(), PROXY_API_KEY: KEY, LOG_LEVEL: 'INFO', LOG_FORMAT: 'json' }, { holdStdout: true, keepOutputChars: 1_000_000 });
    try {
      // Each refused request logs a line with its 6 KB path: 40 of them are far more than a pipe holds (64 KB).
      const path = `/v1/models/${'x'.repeat(6_000)}`;
      for (let i = 0; i < 40; i++) {
        const res = await fetch(`${gateway.url}${path}`, { headers: { 'X-Request-ID': `stalled-${i}` }, signal: AbortSignal.timeout(10_000) });
        expect(res.status).toBe(401);
      }

      const live = await fetch(`${gateway.url}/health/live`, { signal: AbortSignal.timeout(10_000) });
      expect(live.status).toBe(200);

      const exited = new Promise<void>((resolve) => gateway.process.once('exit', () => resolve()));
      gateway.process.kill('SIGTERM');
      gateway.readStdout();
      await exited;
      await new Promise((resolve) => setImmediate(resolve));
      const messages = gateway
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as LogLine);
      const requestIds = messages.map((line) => line.requestId).filter((id) => typeof id === 'string' && id.startsWith('stalled-'));
      expect(requestIds).toEqual(Array.from({ length: 40 }, (_, i) => `stalled-${i}`));
      expect(messages[messages.length - 1]).toMatchObject({ context: 'Shutdown', msg: 'kiro-gateway stopped (SIGTERM)' });
    } finally {
      await gateway.stop();
      await sim.close();
    }
  }, 90_000);
});
