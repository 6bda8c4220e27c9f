import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AccountPool } from '../../src/accounts/account-pool';
import { affinityKeyOf } from '../../src/accounts/affinity-key';
import { GatewayClient, newAgent, type StreamResult } from './clients';
import { startGateway, startSimulator } from './processes';
import { percentile, round, runPool } from './stats';

/**
 * The account pool's own cost and its isolation:
 *  - cost: 64 concurrent requests over 4 accounts of maxConcurrency 8 (half of them queue),
 *    acquire + release + the affinity key of a Claude Code body, against the same loop without
 *    the pool; the difference per request is the pool's.
 *  - isolation: TTFT of streams through the gateway over 4 simulator accounts of maxConcurrency 8:
 *    64 concurrent (half of them queue), then 24 concurrent (what 3 accounts hold, so no queue
 *    either way) all healthy and with one account throttled (429 on every call): the throttled
 *    account must not slow the requests the others serve.
 */

export interface PoolBenchResult {
  requests: number;
  poolUsPerRequest: number;
  affinityKeyUs: number;
  /** 64 concurrent: the queue's wait included. */
  ttftQueued64: { p50: number; p99: number };
  ttftHealthy: { p50: number; p99: number };
  ttftOneThrottled: { p50: number; p99: number };
  throttledAccountCalls: number;
}

const ACCOUNTS = ['p1', 'p2', 'p3', 'p4'];
/** What three accounts of maxConcurrency 8 hold: no request waits whether or not the fourth serves. */
const ISOLATION_CONCURRENCY = 24;

export async function runPoolBench(options: { requests: number; streams: number; log: (line: string) => void }): Promise<PoolBenchResult> {
  const { log } = options;
  log(`pool: cost over ${options.requests} requests at 64 concurrent, 4 accounts × maxConcurrency 8`);
  const cost = await poolCost(options.requests);
  const ttft = await isolation(options.streams, log);
  return { requests: options.requests, ...cost, ...ttft };
}

async function poolCost(requests: number): Promise<{ poolUsPerRequest: number; affinityKeyUs: number }> {
  const run = async (withPool: boolean): Promise<number> => {
    const pool = new AccountPool<string>({ strategy: 'least_used', queueSize: 1000, queueTimeoutMs: 60_000, affinityTtlMs: 60_000, affinityCapacity: 10_000, now: Date.now });
    for (const name of ACCOUNTS) pool.add({ name, priority: 0, weight: 1, maxConcurrency: 8, session: name });
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < requests) {
          next++;
          const lease = withPool ? await pool.acquire({ model: 'auto' }) : undefined;
          // A request holds its slot across at least one turn of the loop.
          await new Promise((resolve) => setImmediate(resolve));
          lease?.release();
        }
      }),
    );
    return performance.now() - started;
  };
  await run(true); // warm-up
  const samples = [];
  for (let i = 0; i < 5; i++) samples.push((await run(true)) - (await run(false)));
  samples.sort((a, b) => a - b);
  const body = { model: 'claude-sonnet-4-5', metadata: { user_id: 'user_abc_account_1_session_0f8b8c1e-1111-4a2b-9c3d-aaaaaaaaaaaa' }, messages: [{ role: 'user', content: 'x'.repeat(2000) }] };
  const keyStarted = performance.now();
  for (let i = 0; i < 20_000; i++) affinityKeyOf({}, body);
  const affinityKeyUs = ((performance.now() - keyStarted) * 1000) / 20_000;
  return { poolUsPerRequest: round((samples[2] * 1000) / requests, 3), affinityKeyUs: round(affinityKeyUs, 3) };
}

type Ttft = { p50: number; p99: number };

async function isolation(total: number, log: (line: string) => void): Promise<{ ttftQueued64: Ttft; ttftHealthy: Ttft; ttftOneThrottled: Ttft; throttledAccountCalls: number }> {
  // The simulator in its own process, as in the other phases: its writes never skew the client's clock.
  const sim = await startSimulator({ largeChars: 1, slowFrames: 1, slowFrameDelayMs: 1, manyFrames: 1, manyFrameDelayMs: 1, accounts: ACCOUNTS });
  const file = join(mkdtempSync(join(tmpdir(), 'bench-accounts-')), 'accounts.json');
  writeFileSync(file, JSON.stringify({ accounts: ACCOUNTS.map((name) => ({ name, refreshToken: `${name}-refresh-token`, maxConcurrency: 8 })) }), { mode: 0o600 });
  const gateway = await startGateway({
    simEnv: { ...sim.env, REFRESH_TOKEN: '', KIRO_ACCOUNTS_FILE: file, SESSION_AFFINITY_TTL: '0', BASE_RETRY_DELAY: '0.05', USAGE_REFRESH_INTERVAL: '0' },
  });
  const client = new GatewayClient(gateway.url, newAgent());
  try {
    const measure = async (label: string, concurrency = ISOLATION_CONCURRENCY): Promise<Ttft> => {
      const { results, errors } = await runPool(total, concurrency, () => client.stream());
      if (errors.length > 0) throw new Error(`pool/${label}: ${errors.length} failed; first: ${String(errors[0])}`);
      const ttft = (results as StreamResult[]).map((r) => r.ttftMs);
      return { p50: round(percentile(ttft, 50), 3), p99: round(percentile(ttft, 99), 3) };
    };
    await measure('warmup', 64);
    log(`pool: ${total} streams at 64 concurrent over 32 slots`);
    const ttftQueued64 = await measure('queued', 64);
    log(`pool: ${total} streams at ${ISOLATION_CONCURRENCY} concurrent, all 4 accounts healthy`);
    const ttftHealthy = await measure('healthy');
    await sim.fault('p4', 'throttle');
    const before = (await sim.stats())['account:p4'];
    log(`pool: ${total} streams at ${ISOLATION_CONCURRENCY} concurrent, account p4 throttled`);
    const ttftOneThrottled = await measure('one-throttled');
    return { ttftQueued64, ttftHealthy, ttftOneThrottled, throttledAccountCalls: (await sim.stats())['account:p4'] - before };
  } finally {
    await gateway.stop();
    await sim.stop();
  }
}
