import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { request } from 'undici';

/** What one measured action cost everyone else. */
export interface StallReport {
  /** The slowest `/health/live` answer while the action ran, in ms. */
  worstPollMs: number;
  polls: number;
  /** The gateway's own `monitorEventLoopDelay` maximum over the same window (prom-client's gauge), in ms. */
  loopDelayMaxMs: number;
}

/**
 * The poller runs on a worker thread of the test process: the test's own work meanwhile (building
 * bodies, garbage collection, the simulator encoding frames) must not count as the gateway's stall.
 * Each poll opens its own connection, so a keep-alive socket closed by the server cannot fail one.
 */
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
let stop = false;
parentPort.on('message', () => { stop = true; });
const poll = () => new Promise((resolve, reject) => {
  const req = http.get(workerData.url, { agent: false }, (res) => { res.resume(); res.on('end', resolve); });
  req.on('error', reject);
});
(async () => {
  let worst = 0, polls = 0, failures = 0;
  parentPort.postMessage({ started: true });
  while (!stop) {
    const started = performance.now();
    try { await poll(); } catch { failures++; }
    worst = Math.max(worst, performance.now() - started);
    polls++;
  }
  parentPort.postMessage({ worst, polls, failures });
})();
`;

/**
 * Polls `/health/live` back to back while `action` runs, and reads the gateway's event-loop delay
 * histogram (reset by the scrape before, read by the scrape after). A stall of the gateway's one
 * event loop shows in both: the poll waits for it, and the loop's timer fires late.
 */
export async function measureStall<T>(gatewayUrl: string, metricsAuth: Record<string, string>, action: () => Promise<T>): Promise<StallReport & { result: T }> {
  await loopDelayMaxMs(gatewayUrl, metricsAuth); // resets the histogram
  const poller = new Worker(POLLER, { eval: true, workerData: { url: `${gatewayUrl}/health/live` } });
  try {
    await once(poller, 'message'); // started
    const result = await action();
    // Work the gateway still does after replying counts too.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const finished = once(poller, 'message');
    poller.postMessage('stop');
    const [{ worst, polls, failures }] = (await finished) as [{ worst: number; polls: number; failures: number }];
    if (failures > 0) throw new Error(`${failures} of ${polls} polls of /health/live failed`);
    return { result, worstPollMs: worst, polls, loopDelayMaxMs: await loopDelayMaxMs(gatewayUrl, metricsAuth) };
  } finally {
    await poller.terminate();
  }
}

async function loopDelayMaxMs(gatewayUrl: string, headers: Record<string, string>): Promise<number> {
  const res = await request(`${gatewayUrl}/metrics`, { headers, reset: true });
  const text = await res.body.text();
  const match = /^kiro_gateway_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  if (!match) throw new Error(`no event-loop delay in /metrics (HTTP ${res.statusCode})`);
  return Number(match[1]) * 1000;
}
