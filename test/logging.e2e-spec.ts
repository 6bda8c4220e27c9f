import request from 'supertest';
import { KiroSimulator, textReply } from './simulator';
import { startGatewayProcess, type RunningProcess } from './support/processes';

const KEY = 'logging-test-key';
const TENANT = 'tenant-refresh-token-never-logged';

describe('structured logs of a gateway process (e2e)', () => {
  let sim: KiroSimulator;
  let gateway: RunningProcess & { url: string };

  beforeAll(async () => {
    sim = await KiroSimulator.start({ defaultScenario: textReply('logged') });
    sim.addRefreshToken(TENANT);
    gateway = await startGatewayProcess({ ...sim.gatewayEnv(), PROXY_API_KEY: KEY, LOG_LEVEL: 'INFO', LOG_FORMAT: 'json', FAKE_REASONING: 'false' });
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
});
