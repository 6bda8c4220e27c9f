import http from 'node:http';
import { textReply } from './simulator';
import { parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/** Starts a streaming chat request and collects its body until the server ends it. */
function streamRequest(url: string): { done: Promise<string>; firstBytes: Promise<void> } {
  let markFirst: () => void = () => undefined;
  const firstBytes = new Promise<void>((resolve) => (markFirst = resolve));
  const done = new Promise<string>((resolve, reject) => {
    const req = http.request(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
        markFirst();
      });
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'go' }] }));
  });
  return { done, firstBytes };
}

describe('graceful shutdown (e2e)', () => {
  it('lets a stream finish within the grace period', async () => {
    const h = await startHarness({ env: { SHUTDOWN_GRACE_PERIOD: '5', FAKE_REASONING: 'false' } });
    h.sim.enqueue({ ...textReply('finishing politely', { chunkChars: 3 }), frameDelayMs: 40 });
    const { done, firstBytes } = streamRequest(h.url);
    await firstBytes;

    const closing = h.close();
    const body = await done;
    await closing;

    const events = parseSse(body);
    expect(events[events.length - 1]).toBe('[DONE]');
    expect(h.sim.stats.aborts).toBe(0);
  });

  it('stops accepting, then ends a stream still running after the grace period with an error event and aborts upstream', async () => {
    const h = await startHarness({ env: { SHUTDOWN_GRACE_PERIOD: '0.3', FAKE_REASONING: 'false' } });
    h.sim.enqueue({ ...textReply('x'.repeat(100), { chunkChars: 1 }), frameDelayMs: 100 });
    const { done, firstBytes } = streamRequest(h.url);
    await firstBytes;
    const sim = h.sim;

    const closing = h.app.close();
    const refused = await new Promise<string>((resolve) => {
      const req = http.get(`${h.url}/health`, () => resolve('answered'));
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    const body = await done;
    await closing;
    await sim.waitFor((s) => s.stats.aborts === 1, 3_000);
    await sim.close();

    const events = parseSse(body);
    expect(refused).toBe('ECONNREFUSED');
    expect(events[events.length - 1]).toEqual({
      error: { message: 'The gateway is shutting down; the response was cut short.', type: 'server_error', param: null, code: 'shutting_down' },
    });
    expect(events).not.toContain('[DONE]');
  });

  it('waits for a stream still waiting for Kiro, then refuses it with a 503 once the grace period is over', async () => {
    const h = await startHarness({ env: { SHUTDOWN_GRACE_PERIOD: '0.3', FAKE_REASONING: 'false' } });
    h.sim.enqueue({ ...textReply('too late'), headersDelayMs: 3_000 });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${PROXY_KEY}`, 'content-type': 'application/json' } });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'slow' }] }));
    });
    await h.sim.waitFor((sim) => sim.stats.activeStreams === 1);

    await h.close();
    const { status, body } = await answered;

    expect(status).toBe(503);
    expect(JSON.parse(body).error).toMatchObject({ type: 'server_error', code: 'shutting_down' });
  });
});
