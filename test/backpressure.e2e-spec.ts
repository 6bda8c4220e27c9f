import http from 'node:http';
import { textEvents } from './simulator';
import { PROXY_KEY, startHarness, type Harness } from './support/gateway-harness';

/** About 40 MB of text in 64 KB frames: far more than loopback socket buffers hold (several MB each). */
const BIG = textEvents('0123456789abcdef'.repeat(1024 * 1024 * 2.5), 64 * 1024);

describe('backpressure (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());

  it('stops reading Kiro while the client does not read, and finishes once it does', async () => {
    h.sim.enqueue({ kind: 'stream', events: BIG });
    let received = 0;
    let response: http.IncomingMessage | undefined;
    const ended = new Promise<void>((resolve, reject) => {
      const req = http.request(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' } });
      req.on('response', (res) => {
        response = res;
        res.once('data', () => res.pause());
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'big' }] }));
    });
    await h.sim.waitFor(() => response !== undefined && received > 0, 5_000);

    // A negative check needs a bounded wait: without backpressure the simulator finishes in ~0.2 s.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const whilePaused = { completed: h.sim.stats.completedStreams, active: h.sim.stats.activeStreams };
    response?.resume();
    await ended;

    expect(whilePaused).toEqual({ completed: 0, active: 1 });
    expect(received).toBeGreaterThan(40 * 1024 * 1024);
    await h.sim.waitFor((sim) => sim.stats.completedStreams === 1);
  });
});
