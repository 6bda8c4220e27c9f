/**
 * `npm run bench` / `npm run bench:smoke`: the gateway's overhead against the Kiro simulator.
 *
 * The same scripted upstream answers are fetched by a client talking straight to the simulator
 * (decoding Kiro's event stream itself) and by a client going through the gateway (OpenAI SSE):
 *   1. time to first token, p50/p99, at 1, 16 and 64 concurrent streams;
 *   2. wall time of a 1 MiB streamed reply (median of several, ratio gateway/direct);
 *   3. short non-stream requests per second at 64 connections (autocannon);
 *   4. peak RSS of the gateway with 256 concurrent slow streams;
 *   5. event-stream decoder throughput on its own;
 *   6. a 428 KB Claude Code turn (12 tools, 150 tool round trips): what its size adds, and
 *      count_tokens on it;
 *   7. time to first token over TLS, with connection reuse (the default) and without;
 *   8. 1,000 concurrent slow streams: all complete, and the peak RSS;
 *   9. the account pool's own cost per request, and time to first token over four simulator
 *      accounts with one of them throttled.
 * Prints a table and writes bench/results.json and bench/ttft-chart.svg (full run). Options:
 *   --smoke         short run for CI (< 30 s); fails only on errors and gross regressions
 *   --cpu-prof      start the gateway with --cpu-prof (profile in bench/profiles) and summarise it
 *   --build         always `npm run build` first; --no-build never (default: when src/ is newer)
 *   --only=a,b      phases to run: decoder, ttft, large, rps, rss, agent, tls, streams1000, pool
 *   --strict        exit 1 when a target of the issue is missed (default: only on errors)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import autocannon from 'autocannon';
import type { Agent } from 'undici';
import { anthropicToConversation, countConversationTokens } from '../src/converter';
import { TokenCountCache } from '../src/converter/token-count-cache';
import { selfSignedCertificate } from '../test/simulator';
import { estimatorErrors } from '../test/support/token-corpus';
import { claudeCodeAgentTurn, countTokensBody, kiroBodyFor } from './lib/agent-turn';
import { ttftChartSvg } from './lib/chart';
import {
  anthropicHeaders,
  anthropicStream,
  chatBody,
  DirectClient,
  fetchAccessToken,
  gatewayHeaders,
  GatewayClient,
  kiroBody,
  kiroHeaders,
  MODEL,
  newAgent,
  postTimed,
  smallMessagesBody,
  type StreamResult,
} from './lib/clients';
import { runDecoderBench, type DecoderResult } from './lib/decoder-bench';
import { runPoolBench } from './lib/pool-bench';
import { BENCH_DIR, cleanupAll, ensureBuild, ROOT, startGateway, startSimulator, type GatewayProcess } from './lib/processes';
import { benchText, SHORT_TEXT, slowText, type BenchScenarioConfig } from './lib/scenarios';
import { median, percentile, round, runPool } from './lib/stats';
import { newestProfile, printProfileSummary, summarizeProfile } from './profile-summary';

type Phase = 'decoder' | 'ttft' | 'large' | 'rps' | 'rss' | 'agent' | 'tls' | 'streams1000' | 'pool';
const ALL_PHASES: Phase[] = ['decoder', 'ttft', 'large', 'rps', 'rss', 'agent', 'tls', 'streams1000', 'pool'];

const argv = process.argv.slice(2);
const SMOKE = argv.includes('--smoke');
const CPU_PROF = argv.includes('--cpu-prof');
const STRICT = argv.includes('--strict');
const BUILD: 'auto' | 'always' | 'never' = argv.includes('--build') ? 'always' : argv.includes('--no-build') ? 'never' : 'auto';
const onlyArg = argv.find((arg) => arg.startsWith('--only='));
const PHASES = new Set<Phase>(onlyArg ? (onlyArg.slice('--only='.length).split(',') as Phase[]) : ALL_PHASES);
for (const phase of PHASES) if (!ALL_PHASES.includes(phase)) throw new Error(`unknown phase "${phase}" (${ALL_PHASES.join(', ')})`);
const PROFILE_DIR = join(BENCH_DIR, 'profiles');

/** Everything that sizes the run; the smoke run is the same shape, smaller. */
const PLAN = SMOKE
  ? {
      deadlineS: 100,
      decoder: { bufferBytes: 4 << 20, minMs: 300 },
      ttft: [
        { concurrency: 1, requests: 60, warmup: 20 },
        { concurrency: 16, requests: 160, warmup: 32 },
        { concurrency: 64, requests: 256, warmup: 64 },
      ],
      large: { chars: 1 << 20, reps: 1 },
      rps: { connections: 64, warmupS: 1, durationS: 2 },
      rss: { streams: 256, frames: 20, frameDelayMs: 50 },
      agent: { reps: 5, warmup: 2 },
      tls: [{ concurrency: 1, requests: 30, warmup: 5 }],
      streams1000: { streams: 300, frames: 20, frameDelayMs: 50 },
      pool: { requests: 5_000, streams: 256 },
    }
  : {
      deadlineS: 470,
      decoder: { bufferBytes: 8 << 20, minMs: 1500 },
      ttft: [
        { concurrency: 1, requests: 400, warmup: 50 },
        { concurrency: 4, requests: 400, warmup: 32 },
        { concurrency: 16, requests: 800, warmup: 64 },
        { concurrency: 64, requests: 1280, warmup: 128 },
      ],
      large: { chars: 1 << 20, reps: 7 },
      rps: { connections: 64, warmupS: 2, durationS: 10 },
      rss: { streams: 256, frames: 80, frameDelayMs: 50 },
      agent: { reps: 31, warmup: 5 },
      tls: [
        { concurrency: 1, requests: 300, warmup: 30 },
        { concurrency: 16, requests: 640, warmup: 64 },
      ],
      streams1000: { streams: 1000, frames: 40, frameDelayMs: 50 },
      pool: { requests: 50_000, streams: 1_280 },
    };

const SCENARIO_CONFIG: BenchScenarioConfig = {
  largeChars: PLAN.large.chars,
  slowFrames: PLAN.rss.frames,
  slowFrameDelayMs: PLAN.rss.frameDelayMs,
  manyFrames: PLAN.streams1000.frames,
  manyFrameDelayMs: PLAN.streams1000.frameDelayMs,
};

/** The issue's targets; `smoke` is the gross-regression bound the CI run enforces instead. */
interface Target {
  id: string;
  label: string;
  op: '<=' | '>=';
  /** The issue's target; undefined for a check that only the smoke run makes. */
  target?: number;
  smoke: number;
  unit: string;
  value?: number;
  pass?: boolean;
}
const TARGETS: Target[] = [
  // Issue 18's table, row by row.
  { id: 'ttft_added_p50_c1', label: 'added TTFT p50 @1', op: '<=', target: 1, smoke: 25, unit: 'ms' },
  { id: 'ttft_added_p50_c64', label: 'added TTFT p50 @64', op: '<=', target: 25, smoke: 500, unit: 'ms' },
  { id: 'ttft_added_p99_c64', label: 'added TTFT p99 @64', op: '<=', target: 50, smoke: 2000, unit: 'ms' },
  { id: 'rps_ratio', label: 'non-stream req/s, share of direct', op: '>=', target: 0.8, smoke: 0.01, unit: '×' },
  { id: 'agent_turn_added_ms', label: '428 KB turn, added for its size', op: '<=', target: 5, smoke: 250, unit: 'ms' },
  { id: 'count_tokens_ms', label: 'count_tokens on that turn', op: '<=', target: 5, smoke: 250, unit: 'ms' },
  { id: 'idle_rss_mb', label: 'idle RSS', op: '<=', target: 90, smoke: 400, unit: 'MB' },
  { id: 'run_peak_rss_mb', label: 'peak RSS during the run', op: '<=', target: 150, smoke: 600, unit: 'MB' },
  { id: 'streams1000_peak_mb', label: 'peak RSS, 1,000 slow streams', op: '<=', target: 200, smoke: 800, unit: 'MB' },
  { id: 'decoder_mbps', label: 'decoder throughput', op: '>=', target: 500, smoke: 10, unit: 'MB/s' },
  // Issue 6's, still reported.
  { id: 'large_ratio', label: '1 MiB stream gateway/direct', op: '<=', target: 1.15, smoke: 8, unit: '×' },
  { id: 'rps_gateway', label: 'non-stream req/s @64', op: '>=', smoke: 100, unit: 'req/s' },
  { id: 'rss_peak_mb', label: 'peak RSS, 256 streams', op: '<=', target: 200, smoke: 600, unit: 'MB' },
  { id: 'pool_us_per_request', label: 'account pool cost per request', op: '<=', target: 100, smoke: 2000, unit: 'µs' },
  { id: 'pool_throttled_ttft_ratio', label: 'TTFT p50, one account throttled / none', op: '<=', target: 1.5, smoke: 10, unit: '×' },
];

const log = (line: string): void => console.log(`[bench] ${line}`);
/** For error reports: what the gateway printed before a failure. */
let runningGateway: GatewayProcess | undefined;
const errors: string[] = [];
const results: Record<string, unknown> = {};

interface PathStats {
  requests: number;
  ttftP50: number;
  ttftP99: number;
  totalP50: number;
  streamsPerSecond: number;
}

function summarize(samples: StreamResult[], elapsedMs: number): PathStats {
  const ttft = samples.map((s) => s.ttftMs);
  return {
    requests: samples.length,
    ttftP50: round(percentile(ttft, 50), 3),
    ttftP99: round(percentile(ttft, 99), 3),
    totalP50: round(median(samples.map((s) => s.totalMs)), 3),
    streamsPerSecond: round((samples.length * 1000) / elapsedMs, 1),
  };
}

/** Runs a batch of streams and checks every reply's text; any failure is a benchmark error. */
async function streams(
  label: string,
  total: number,
  concurrency: number,
  stream: () => Promise<StreamResult>,
  expected: string,
): Promise<{ samples: StreamResult[]; elapsedMs: number; maxInFlight: number }> {
  const started = performance.now();
  const { results: samples, errors: failed, maxInFlight } = await runPool(total, concurrency, async () => {
    const result = await stream();
    if (result.text !== expected) {
      throw new Error(`${label}: got ${result.text.length} chars of text, expected ${expected.length}`);
    }
    return result;
  });
  const elapsedMs = performance.now() - started;
  if (failed.length > 0) throw new Error(`${label}: ${failed.length} failed request(s); first: ${failed[0]}`);
  return { samples, elapsedMs, maxInFlight };
}

function readProcStatus(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** `5` in clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak is this phase's. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The gateway's RSS sampled every 50 ms from `startMb` on; `paused` skips samples meanwhile. */
class RssSampler {
  peakMb: number;
  paused = false;
  private readonly timer: NodeJS.Timeout;

  constructor(pid: number, startMb: number) {
    this.peakMb = startMb;
    this.timer = setInterval(() => {
      if (this.paused) return;
      try {
        this.peakMb = Math.max(this.peakMb, readProcStatus(pid).rssMb);
      } catch {
        // the process is gone; its phase fails
      }
    }, 50);
  }

  stop(): number {
    clearInterval(this.timer);
    return this.peakMb;
  }
}

async function autocannonRun(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function rpsSummary(result: autocannon.Result) {
  return {
    requests: result.requests.total,
    durationS: result.duration,
    rps: round(result.requests.total / result.duration, 1),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function main(): Promise<void> {
  const wallStarted = Date.now();
  log(`${SMOKE ? 'smoke' : 'full'} run; phases: ${[...PHASES].join(', ')}${CPU_PROF ? '; gateway under --cpu-prof' : ''}`);
  const needsServers = [...PHASES].some((p) => p !== 'decoder');
  if (needsServers) ensureBuild(BUILD, log);

  // Hard bound on the whole run (after the build): stop everything and fail.
  const watchdog = setTimeout(() => {
    console.error(`[bench] time limit of ${PLAN.deadlineS} s exceeded; stopping`);
    void cleanupAll().finally(() => process.exit(2));
  }, PLAN.deadlineS * 1000);
  watchdog.unref();

  // 5. Decoder, first and alone: nothing else is running yet.
  let decoder: DecoderResult | undefined;
  if (PHASES.has('decoder')) {
    log('decoder: FrameDecoder on 16 KiB chunks');
    decoder = runDecoderBench(PLAN.decoder);
    results.decoder = { ...decoder, framesMBps: round(decoder.framesMBps, 1), eventsMBps: round(decoder.eventsMBps, 1) };
    setValue('decoder_mbps', decoder.framesMBps);
  }
  // 9. The account pool: in-process cost, then its own simulator and gateway.
  if (PHASES.has('pool')) {
    const pool = await runPoolBench({ ...PLAN.pool, log });
    results.pool = pool;
    setValue('pool_us_per_request', pool.poolUsPerRequest);
    setValue('pool_throttled_ttft_ratio', round(pool.ttftOneThrottled.p50 / pool.ttftHealthy.p50, 2));
    log(`pool: ${pool.poolUsPerRequest} µs per request (affinity key ${pool.affinityKeyUs} µs); TTFT p50/p99 at 64 (queueing) ${pool.ttftQueued64.p50}/${pool.ttftQueued64.p99} ms; at 24: healthy ${pool.ttftHealthy.p50}/${pool.ttftHealthy.p99} ms, one throttled ${pool.ttftOneThrottled.p50}/${pool.ttftOneThrottled.p99} ms (${pool.throttledAccountCalls} calls reached the throttled account)`);
  }
  if (![...PHASES].some((p) => p !== 'decoder' && p !== 'pool')) return finish(wallStarted);

  // The simulator runs in a child process (see lib/sim-child.ts); the gateway is node dist/main.js.
  const sim = await startSimulator(SCENARIO_CONFIG);
  if (CPU_PROF) mkdirSync(PROFILE_DIR, { recursive: true });
  let gatewayPid = 0;
  const gateway = await startGateway({
    simEnv: sim.env,
    cpuProfDir: CPU_PROF ? PROFILE_DIR : undefined,
    onExit: () => sim.unguard(gatewayPid),
  });
  gatewayPid = gateway.pid;
  runningGateway = gateway;
  sim.guard(gatewayPid);
  log(`simulator ${sim.url} (pid ${sim.pid}), gateway ${gateway.url} (pid ${gateway.pid})`);

  const token = await fetchAccessToken(sim.url);
  const directAgent = newAgent();
  const gatewayAgent = newAgent();
  const direct = new DirectClient(sim.url, token, directAgent);
  const viaGateway = new GatewayClient(gateway.url, gatewayAgent);

  // Readiness: one full exchange on each path (the gateway logs in to the simulator here).
  await sim.setScenario('short');
  await streams('ready/direct', 1, 1, () => direct.stream(), SHORT_TEXT);
  await streams('ready/gateway', 1, 1, () => viaGateway.stream(), SHORT_TEXT);
  const idle = readProcStatus(gateway.pid);
  results.gatewayIdleRssMb = round(idle.rssMb, 1);
  setValue('idle_rss_mb', idle.rssMb);
  // The run's peak: every phase but the 1,000-stream one, which has its own bound.
  const runSampler = new RssSampler(gateway.pid, idle.rssMb);

  // 4. Peak RSS with many concurrent slow streams: first, so that memory kept from the CPU-heavy
  //    phases (V8 rarely gives heap back) does not count; `before` is the warmed-up idle gateway.
  if (PHASES.has('rss')) {
    const { streams: count, frames, frameDelayMs } = PLAN.rss;
    log(`rss: ${count} concurrent streams, ${frames} frames every ${frameDelayMs} ms`);
    await sim.setScenario('slow');
    const pid = gateway.pid;
    const before = readProcStatus(pid);
    const hwmReset = resetPeakRss(pid);
    const sampler = new RssSampler(pid, before.rssMb);
    let run;
    try {
      run = await streams('rss/gateway', count, count, () => viaGateway.stream(), slowText(frames));
    } finally {
      sampler.stop();
    }
    const sampledPeak = sampler.peakMb;
    const after = readProcStatus(pid);
    const peak = Math.max(sampledPeak, hwmReset ? after.hwmMb : 0);
    results.rss = {
      streams: count,
      maxInFlight: run.maxInFlight,
      streamSeconds: round(median(run.samples.map((s) => s.totalMs)) / 1000, 2),
      beforeMb: round(before.rssMb, 1),
      peakMb: round(peak, 1),
      sampledPeakMb: round(sampledPeak, 1),
      vmHwmMb: hwmReset ? round(after.hwmMb, 1) : null,
      afterMb: round(after.rssMb, 1),
      perStreamKb: round(((peak - before.rssMb) * 1024) / count, 1),
    };
    setValue('rss_peak_mb', peak);
  }

  // 8. 1,000 concurrent slow streams, all complete, and the peak RSS: second, on the gateway as
  //    warm as after the 256 streams and before the CPU-heavy phases (the run's peak leaves it out).
  if (PHASES.has('streams1000')) {
    const { streams: count, frames, frameDelayMs } = PLAN.streams1000;
    log(`streams1000: ${count} concurrent streams, ${frames} frames every ${frameDelayMs} ms`);
    // Its own client pool: sockets the 256 streams left idle may be closed by the gateway's
    // keep-alive timeout just as they are reused (a client-side race, not the gateway's failure).
    const manyAgent = newAgent();
    const manyClient = new GatewayClient(gateway.url, manyAgent);
    await sim.setScenario('many');
    const pid = gateway.pid;
    const before = readProcStatus(pid);
    const hwmReset = resetPeakRss(pid);
    const sampler = new RssSampler(pid, before.rssMb);
    let run;
    runSampler.paused = true;
    try {
      run = await streams('streams1000/gateway', count, count, () => manyClient.stream(), slowText(frames));
    } finally {
      sampler.stop();
      runSampler.paused = false;
      await manyAgent.close();
    }
    const sampledPeak = sampler.peakMb;
    const after = readProcStatus(pid);
    const peak = Math.max(sampledPeak, hwmReset ? after.hwmMb : 0);
    results.streams1000 = {
      streams: count,
      completed: run.samples.length,
      maxInFlight: run.maxInFlight,
      streamSecondsP50: round(median(run.samples.map((s) => s.totalMs)) / 1000, 2),
      streamSecondsMax: round(Math.max(...run.samples.map((s) => s.totalMs)) / 1000, 2),
      beforeMb: round(before.rssMb, 1),
      peakMb: round(peak, 1),
      perStreamKb: round(((peak - before.rssMb) * 1024) / count, 1),
    };
    setValue('streams1000_peak_mb', peak);
  }

  // 1. Time to first token.
  if (PHASES.has('ttft')) {
    await sim.setScenario('short');
    const ttft: Record<string, unknown> = {};
    for (const level of PLAN.ttft) {
      const { concurrency: c, requests, warmup } = level;
      log(`ttft: ${requests} streams at concurrency ${c} (after ${warmup} warm-up), direct then gateway`);
      await streams(`ttft/direct/c${c}/warmup`, warmup, c, () => direct.stream(), SHORT_TEXT);
      const d = await streams(`ttft/direct/c${c}`, requests, c, () => direct.stream(), SHORT_TEXT);
      await streams(`ttft/gateway/c${c}/warmup`, warmup, c, () => viaGateway.stream(), SHORT_TEXT);
      const g = await streams(`ttft/gateway/c${c}`, requests, c, () => viaGateway.stream(), SHORT_TEXT);
      const ds = summarize(d.samples, d.elapsedMs);
      const gs = summarize(g.samples, g.elapsedMs);
      const entry = {
        concurrency: c,
        direct: ds,
        gateway: gs,
        addedP50Ms: round(gs.ttftP50 - ds.ttftP50, 3),
        addedP99Ms: round(gs.ttftP99 - ds.ttftP99, 3),
        ratioP50: round(gs.ttftP50 / ds.ttftP50, 2),
      };
      ttft[`c${c}`] = entry;
      if (c === 1) setValue('ttft_added_p50_c1', entry.addedP50Ms);
      if (c === 64) {
        setValue('ttft_added_p50_c64', entry.addedP50Ms);
        setValue('ttft_added_p99_c64', entry.addedP99Ms);
      }
    }
    results.ttft = ttft;
    if (!SMOKE && !onlyArg) writeChart(ttft);
  }

  // 2. One large streamed reply, sequential, alternating paths.
  if (PHASES.has('large')) {
    const { chars, reps } = PLAN.large;
    log(`large: ${chars} characters streamed, ${reps}× each path (after one warm-up each)`);
    await sim.setScenario('large');
    const text = benchText(chars);
    await streams('large/direct/warmup', 1, 1, () => direct.stream(), text);
    await streams('large/gateway/warmup', 1, 1, () => viaGateway.stream(), text);
    const directMs: number[] = [];
    const gatewayMs: number[] = [];
    for (let i = 0; i < reps; i++) {
      directMs.push((await streams('large/direct', 1, 1, () => direct.stream(), text)).samples[0].totalMs);
      gatewayMs.push((await streams('large/gateway', 1, 1, () => viaGateway.stream(), text)).samples[0].totalMs);
    }
    const dm = median(directMs);
    const gm = median(gatewayMs);
    const mb = chars / (1024 * 1024);
    results.large = {
      chars,
      textFramesUpstream: Math.ceil(chars / 16),
      directMs: directMs.map((v) => round(v, 1)),
      gatewayMs: gatewayMs.map((v) => round(v, 1)),
      directMedianMs: round(dm, 1),
      gatewayMedianMs: round(gm, 1),
      directMBps: round(mb / (dm / 1000), 1),
      gatewayMBps: round(mb / (gm / 1000), 1),
      ratio: round(gm / dm, 3),
    };
    setValue('large_ratio', gm / dm);
  }

  // 3. Short non-stream replies with autocannon.
  if (PHASES.has('rps')) {
    const { connections, warmupS, durationS } = PLAN.rps;
    await sim.setScenario('short');
    const content = await viaGateway.complete();
    if (content !== SHORT_TEXT) throw new Error(`rps: the gateway's non-stream reply has ${content.length} chars, expected ${SHORT_TEXT.length}`);
    const gatewayOpts: autocannon.Options = {
      url: `${gateway.url}/v1/chat/completions`,
      method: 'POST',
      headers: gatewayHeaders(),
      body: chatBody(false),
      connections,
      timeout: 10,
    };
    const directOpts: autocannon.Options = {
      url: `${sim.url}/generateAssistantResponse`,
      method: 'POST',
      headers: kiroHeaders(token),
      body: kiroBody(),
      connections,
      timeout: 10,
    };
    log(`rps: autocannon, ${connections} connections, ${durationS} s each (after ${warmupS} s warm-up)`);
    await autocannonRun({ ...gatewayOpts, duration: warmupS });
    const gw = rpsSummary(await autocannonRun({ ...gatewayOpts, duration: durationS }));
    await autocannonRun({ ...directOpts, duration: warmupS });
    const di = rpsSummary(await autocannonRun({ ...directOpts, duration: durationS }));
    for (const [name, r] of [['gateway', gw], ['direct', di]] as const) {
      if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0 || r.requests === 0) {
        throw new Error(`rps/${name}: ${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
      }
    }
    results.rps = { connections, gateway: gw, direct: di, ratio: round(gw.rps / di.rps, 3) };
    setValue('rps_gateway', gw.rps);
    setValue('rps_ratio', gw.rps / di.rps);
  }

  // 6. A Claude Code turn of 428 KB: what its size adds on each path, and count_tokens on it.
  if (PHASES.has('agent')) {
    await sim.setScenario('short');
    results.agent = await agentTurnPhase(direct, gateway.url, gatewayAgent);
  }
  const runPeakMb = runSampler.stop();
  results.runPeakRssMb = round(runPeakMb, 1);
  setValue('run_peak_rss_mb', runPeakMb);


  results.gatewayFinalRssMb = round(readProcStatus(gateway.pid).rssMb, 1);
  results.simulatorStats = await sim.stats();
  await directAgent.close();
  await gatewayAgent.close();
  await gateway.stop();
  runningGateway = undefined;
  await sim.stop();

  // 7. TLS: its own simulator (HTTPS) and two gateways, with and without connection reuse.
  if (PHASES.has('tls')) results.tls = await tlsPhase();
  return finish(wallStarted);
}

/** Medians of alternating runs: small and large turn, direct and through the gateway, and count_tokens. */
async function agentTurnPhase(direct: DirectClient, gatewayUrl: string, agent: Agent): Promise<Record<string, unknown>> {
  const { reps, warmup } = PLAN.agent;
  const turn: Record<string, unknown> = { ...claudeCodeAgentTurn(), model: MODEL };
  const turnBody = JSON.stringify(turn);
  const kiroTurn = JSON.stringify(kiroBodyFor(turn));
  const countBody = JSON.stringify(countTokensBody(turn));
  const smallCount = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Say something.' }] });
  log(`agent: a ${Math.round(turnBody.length / 1024)} KB Claude Code turn (Kiro body ${Math.round(kiroTurn.length / 1024)} KB), ${reps}× each path`);
  const ms = { directSmall: [] as number[], directTurn: [] as number[], gatewaySmall: [] as number[], gatewayTurn: [] as number[], countSmall: [] as number[], countTurn: [] as number[] };
  let tokens = 0;
  const count = async (body: string): Promise<number> => {
    const res = await postTimed(agent, `${gatewayUrl}/v1/messages/count_tokens`, anthropicHeaders(), body);
    if (res.status !== 200) throw new Error(`count_tokens: HTTP ${res.status}: ${res.text.slice(0, 300)}`);
    tokens = (JSON.parse(res.text) as { input_tokens: number }).input_tokens;
    return res.ms;
  };
  const check = (r: StreamResult, label: string): number => {
    if (r.text !== SHORT_TEXT) throw new Error(`agent/${label}: got ${r.text.length} chars of text, expected ${SHORT_TEXT.length}`);
    return r.ttftMs;
  };
  for (let i = 0; i < warmup + reps; i++) {
    const sample = {
      directSmall: check(await direct.stream(), 'direct-small'),
      directTurn: check(await direct.stream(kiroTurn), 'direct-turn'),
      gatewaySmall: check(await anthropicStream(agent, gatewayUrl, smallMessagesBody()), 'gateway-small'),
      gatewayTurn: check(await anthropicStream(agent, gatewayUrl, turnBody), 'gateway-turn'),
      countSmall: await count(smallCount),
      countTurn: await count(countBody),
    };
    if (i >= warmup) for (const key of Object.keys(sample) as Array<keyof typeof sample>) ms[key].push(sample[key]);
  }
  const m = Object.fromEntries(Object.entries(ms).map(([key, values]) => [key, round(median(values), 2)])) as Record<keyof typeof ms, number>;
  // The same counting in this process, without HTTP, JSON or conversion: the estimate's share,
  // first for a turn never seen (every part estimated), then for a resent one (the gateway's
  // cache of long parts' counts answers, as it does when an agent resends its conversation).
  const conversation = anthropicToConversation(JSON.parse(countBody)).conversation;
  const counting: number[] = [];
  const countingResent: number[] = [];
  for (let i = 0; i < reps; i++) {
    const cache = new TokenCountCache();
    let started = performance.now();
    countConversationTokens(conversation, cache);
    counting.push(performance.now() - started);
    const resent = anthropicToConversation(JSON.parse(countBody)).conversation;
    started = performance.now();
    countConversationTokens(resent, cache);
    countingResent.push(performance.now() - started);
  }
  const added = m.gatewayTurn - m.gatewaySmall - (m.directTurn - m.directSmall);
  setValue('agent_turn_added_ms', added);
  setValue('count_tokens_ms', m.countTurn);
  return {
    turnBytes: Buffer.byteLength(turnBody),
    kiroBodyBytes: Buffer.byteLength(kiroTurn),
    messages: (turn.messages as unknown[]).length,
    tools: (turn.tools as unknown[]).length,
    inputTokens: tokens,
    ttftMedianMs: m,
    directAddedForSizeMs: round(m.directTurn - m.directSmall, 2),
    gatewayAddedForSizeMs: round(m.gatewayTurn - m.gatewaySmall, 2),
    addedForSizeMs: round(added, 2),
    countTokensMs: { small: m.countSmall, turn: m.countTurn },
    countingInProcessMs: round(median(counting), 3),
    countingResentInProcessMs: round(median(countingResent), 3),
    tokenEstimateError: estimatorErrors().map((e) => ({ corpus: e.corpus, chars: e.chars, tokens: e.tokens, estimate: e.estimate, errorPct: round(e.error * 100, 2), chunkP95Pct: round(e.chunkP95 * 100, 1) })),
  };
}

/** TTFT over HTTPS: direct (reused connections), gateway with reuse (the default) and with Connection: close. */
async function tlsPhase(): Promise<Record<string, unknown>> {
  const certificate = await selfSignedCertificate();
  const caFile = join(BENCH_DIR, '.tls-ca.pem');
  writeFileSync(caFile, certificate.cert);
  const sim = await startSimulator(SCENARIO_CONFIG, certificate);
  try {
    const token = await fetchAccessToken(sim.authUrl);
    const directAgent = newAgent(certificate.cert);
    const direct = new DirectClient(sim.url, token, directAgent);
    const out: Record<string, unknown> = { simulator: sim.url };
    for (const [name, env] of [['reuse', {}], ['close', { KIRO_STREAM_CONNECTION_CLOSE: 'true' }]] as const) {
      const gateway = await startGateway({ simEnv: sim.env, env: { KIRO_TEST_CA_FILE: caFile, ...env } });
      runningGateway = gateway;
      const agent = newAgent();
      const client = new GatewayClient(gateway.url, agent);
      await streams(`tls/${name}/ready`, 1, 1, () => client.stream(), SHORT_TEXT);
      const levels: Record<string, unknown> = {};
      for (const { concurrency: c, requests, warmup } of PLAN.tls) {
        log(`tls: ${requests} streams at concurrency ${c}, direct then gateway (${name === 'reuse' ? 'connections reused' : 'KIRO_STREAM_CONNECTION_CLOSE=true'})`);
        await streams(`tls/direct/c${c}/warmup`, warmup, c, () => direct.stream(), SHORT_TEXT);
        const d = summarize((await streams(`tls/direct/c${c}`, requests, c, () => direct.stream(), SHORT_TEXT)).samples, 1);
        await streams(`tls/${name}/c${c}/warmup`, warmup, c, () => client.stream(), SHORT_TEXT);
        const g = summarize((await streams(`tls/${name}/c${c}`, requests, c, () => client.stream(), SHORT_TEXT)).samples, 1);
        levels[`c${c}`] = { directP50: d.ttftP50, directP99: d.ttftP99, gatewayP50: g.ttftP50, gatewayP99: g.ttftP99, addedP50Ms: round(g.ttftP50 - d.ttftP50, 3), addedP99Ms: round(g.ttftP99 - d.ttftP99, 3) };
      }
      out[name] = { ...levels, upstreamConnections: (await sim.stats()).connections };
      await agent.close();
      await gateway.stop();
      runningGateway = undefined;
    }
    await directAgent.close();
    return out;
  } finally {
    await sim.stop();
    rmSync(caFile, { force: true });
  }
}

function writeChart(ttft: Record<string, unknown>): void {
  const points = Object.values(ttft as Record<string, { concurrency: number; direct: PathStats; gateway: PathStats }>).map((e) => ({
    concurrency: e.concurrency,
    directP50: e.direct.ttftP50,
    directP99: e.direct.ttftP99,
    gatewayP50: e.gateway.ttftP50,
    gatewayP99: e.gateway.ttftP99,
  }));
  const subtitle = `npm run bench, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores shared by client, simulator and gateway; closed loop`;
  writeFileSync(join(BENCH_DIR, 'ttft-chart.svg'), ttftChartSvg(points, subtitle));
}

function setValue(id: string, value: number): void {
  const target = TARGETS.find((t) => t.id === id)!;
  target.value = value;
}

function judge(t: Target, bound: number | undefined): boolean | null {
  if (t.value === undefined || bound === undefined) return null;
  return t.op === '<=' ? t.value <= bound : t.value >= bound;
}

function fmt(value: number | undefined, digits = 2): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  return value.toFixed(digits);
}

const signed = (value: number): string => `${value >= 0 ? '+' : ''}${fmt(value)}`;

function printTable(): void {
  const rows: string[][] = [['metric', 'direct', 'gateway', 'gw−direct / ratio']];
  const ttft = results.ttft as Record<string, { direct: PathStats; gateway: PathStats; addedP50Ms: number; addedP99Ms: number }> | undefined;
  for (const entry of Object.values(ttft ?? {})) {
    const c = (entry as unknown as { concurrency: number }).concurrency;
    rows.push([`TTFT p50 @${c} (ms)`, fmt(entry.direct.ttftP50), fmt(entry.gateway.ttftP50), `${signed(entry.addedP50Ms)} ms`]);
    rows.push([`TTFT p99 @${c} (ms)`, fmt(entry.direct.ttftP99), fmt(entry.gateway.ttftP99), `${signed(entry.addedP99Ms)} ms`]);
    rows.push([`streams/s @${c}`, fmt(entry.direct.streamsPerSecond, 0), fmt(entry.gateway.streamsPerSecond, 0), `${fmt(entry.gateway.streamsPerSecond / entry.direct.streamsPerSecond)}×`]);
  }
  const large = results.large as { directMedianMs: number; gatewayMedianMs: number; ratio: number; directMBps: number; gatewayMBps: number } | undefined;
  if (large) {
    rows.push(['1 MiB stream, median (ms)', fmt(large.directMedianMs, 0), fmt(large.gatewayMedianMs, 0), `${fmt(large.ratio)}×`]);
    rows.push(['1 MiB stream, text MB/s', fmt(large.directMBps, 1), fmt(large.gatewayMBps, 1), '']);
  }
  const rps = results.rps as { direct: ReturnType<typeof rpsSummary>; gateway: ReturnType<typeof rpsSummary>; ratio: number } | undefined;
  if (rps) {
    rows.push(['non-stream req/s @64', fmt(rps.direct.rps, 0), fmt(rps.gateway.rps, 0), `${fmt(rps.ratio)}×`]);
    rows.push(['non-stream latency p50/p99 (ms)', `${rps.direct.latencyP50Ms}/${rps.direct.latencyP99Ms}`, `${rps.gateway.latencyP50Ms}/${rps.gateway.latencyP99Ms}`, '']);
  }
  const rss = results.rss as { beforeMb: number; peakMb: number; perStreamKb: number; streams: number } | undefined;
  if (rss) rows.push([`gateway RSS idle → peak @${rss.streams} (MB)`, '', `${fmt(rss.beforeMb, 0)} → ${fmt(rss.peakMb, 0)}`, `${fmt(rss.perStreamKb, 0)} KB/stream`]);
  const agent = results.agent as { ttftMedianMs: Record<string, number>; addedForSizeMs: number; countTokensMs: { small: number; turn: number }; countingInProcessMs: number; countingResentInProcessMs?: number } | undefined;
  if (agent) {
    const t = agent.ttftMedianMs;
    rows.push(['428 KB turn TTFT, median (ms)', fmt(t.directTurn), fmt(t.gatewayTurn), `+${fmt(agent.addedForSizeMs)} ms for its size`]);
    rows.push(['small turn TTFT, median (ms)', fmt(t.directSmall), fmt(t.gatewaySmall), '']);
    rows.push(['count_tokens, small / turn (ms)', '', `${fmt(agent.countTokensMs.small)} / ${fmt(agent.countTokensMs.turn)}`, `counting ${fmt(agent.countingInProcessMs, 2)} ms new, ${fmt(agent.countingResentInProcessMs ?? Number.NaN, 2)} ms resent`]);
  }
  const tls = results.tls as Record<string, Record<string, { directP50: number; directP99: number; gatewayP50: number; gatewayP99: number }> & { upstreamConnections: number }> | undefined;
  for (const [name, levels] of Object.entries(tls ?? {})) {
    if (typeof levels !== 'object') continue;
    for (const [level, v] of Object.entries(levels)) {
      if (typeof v !== 'object') continue;
      rows.push([`TLS TTFT p50/p99 ${level}, ${name} (ms)`, `${fmt(v.directP50)}/${fmt(v.directP99)}`, `${fmt(v.gatewayP50)}/${fmt(v.gatewayP99)}`, `+${fmt(v.gatewayP50 - v.directP50)} / +${fmt(v.gatewayP99 - v.directP99)} ms`]);
    }
  }
  if (results.runPeakRssMb !== undefined) rows.push(['gateway RSS idle / run peak (MB)', '', `${fmt(results.gatewayIdleRssMb as number, 0)} / ${fmt(results.runPeakRssMb as number, 0)}`, '']);
  const many = results.streams1000 as { streams: number; completed: number; beforeMb: number; peakMb: number; perStreamKb: number } | undefined;
  if (many) rows.push([`${many.streams} slow streams: done, RSS → peak`, '', `${many.completed}, ${fmt(many.beforeMb, 0)} → ${fmt(many.peakMb, 0)} MB`, `${fmt(many.perStreamKb, 0)} KB/stream`]);
  const dec = results.decoder as { framesMBps: number; eventsMBps: number } | undefined;
  if (dec) rows.push(['decoder MB/s (frames / +events)', '', `${fmt(dec.framesMBps, 1)} / ${fmt(dec.eventsMBps, 1)}`, '']);

  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${line(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows.slice(1)) console.log(line(r));

  console.log(`\n${'target'.padEnd(30)}${'value'.padStart(10)}  ${SMOKE ? 'smoke bound' : 'issue target'}  result`);
  for (const t of TARGETS) {
    const bound = SMOKE ? t.smoke : t.target;
    if (t.value === undefined || bound === undefined) continue;
    const verdict = t.pass ? 'pass' : SMOKE ? 'FAIL (gross regression)' : 'FAIL';
    console.log(`${t.label.padEnd(30)}${fmt(t.value).padStart(10)}  ${`${t.op} ${bound} ${t.unit}`.padEnd(12)}  ${verdict}`);
  }
}

function finish(wallStarted: number): void {
  for (const t of TARGETS) t.pass = judge(t, SMOKE ? t.smoke : t.target) ?? undefined;
  const cpu = cpus();
  const output = {
    meta: {
      date: new Date().toISOString(),
      mode: SMOKE ? 'smoke' : 'full',
      cpuProf: CPU_PROF,
      node: process.version,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model,
      memoryGb: round(totalmem() / 2 ** 30, 1),
      commit: gitCommit(),
      wallSeconds: round((Date.now() - wallStarted) / 1000, 1),
      plan: PLAN,
    },
    ...results,
    targets: TARGETS.map((t) => ({
      id: t.id,
      label: t.label,
      value: t.value === undefined ? null : round(t.value, 3),
      target: t.target === undefined ? null : `${t.op} ${t.target} ${t.unit}`,
      pass: judge(t, t.target),
      smokeBound: `${t.op} ${t.smoke} ${t.unit}`,
      smokePass: judge(t, t.smoke),
    })),
    errors,
  };
  printTable();
  // Only a complete full run replaces results.json.
  const file = join(BENCH_DIR, SMOKE ? 'results.smoke.json' : onlyArg ? 'results.partial.json' : 'results.json');
  writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  log(`results written to ${file.slice(BENCH_DIR.length - 'bench'.length)} (${output.meta.wallSeconds} s)`);

  if (CPU_PROF) {
    const profile = newestProfile(PROFILE_DIR);
    if (profile) printProfileSummary(summarizeProfile(profile, 25), 15);
    else log('no .cpuprofile was written by the gateway');
  }
  const failed = TARGETS.filter((t) => t.pass === false);
  if (SMOKE && failed.length > 0) {
    console.error(`[bench] smoke: gross regression in ${failed.map((t) => t.id).join(', ')}`);
    process.exitCode = 1;
  } else if (STRICT && failed.length > 0) {
    console.error(`[bench] --strict: targets missed: ${failed.map((t) => t.id).join(', ')}`);
    process.exitCode = 1;
  }
}

function gitCommit(): string | null {
  try {
    const head = execSync('git rev-parse --short HEAD', { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain -- src', { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${head}+dirty-src` : head;
  } catch {
    return null;
  }
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n[bench] ${signal}: stopping the gateway and the simulator`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

main()
  .catch(async (err: unknown) => {
    errors.push((err as Error).message ?? String(err));
    console.error(`[bench] error: ${(err as Error).stack ?? String(err)}`);
    const output = runningGateway?.output().trim();
    if (output) console.error(`[bench] last gateway output:\n${output}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanupAll();
    // Open handles (agents, autocannon) must not keep a finished run alive.
    setTimeout(() => process.exit(), 200).unref();
  });
