import { spawn, spawnSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { BenchScenarioConfig, ScenarioName } from './scenarios';

export const ROOT = join(__dirname, '..', '..');
export const BENCH_DIR = join(ROOT, 'bench');
export const DIST_MAIN = join(ROOT, 'dist', 'main.js');
export const PROXY_KEY = 'bench-proxy-key';

/** Every child the benchmark started; all of them are stopped on exit, errors and Ctrl+C. */
const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void>> = [];

export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** Graceful first (each registered stop), then SIGKILL for anything still alive. */
export async function cleanupAll(): Promise<void> {
  const pending = cleanups.splice(0).reverse();
  for (const fn of pending) await fn().catch(() => undefined);
  killAllNow();
}

function killAllNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

// Last resort on any exit path (process.exit, uncaught error): synchronous SIGKILL.
process.on('exit', killAllNow);

/** Newest modification time under a directory (recursively), in ms. */
function newestMtime(dir: string, filter: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, filter));
    else if (filter(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `auto` (default): `npm run build` when dist/main.js is missing or any file in src/ is newer
 * than it (nest build empties dist first, so main.js's mtime is the build's time).
 */
export function ensureBuild(mode: 'auto' | 'always' | 'never', log: (line: string) => void): void {
  if (mode === 'never') {
    if (!existsSync(DIST_MAIN)) throw new Error('dist/main.js is missing and --no-build was given');
    return;
  }
  if (mode === 'auto' && existsSync(DIST_MAIN)) {
    const built = statSync(DIST_MAIN).mtimeMs;
    const newestSrc = newestMtime(join(ROOT, 'src'), (name) => name.endsWith('.ts') || name.endsWith('.json'));
    if (newestSrc <= built) {
      log('dist/ is up to date with src/; not rebuilding (use --build to force)');
      return;
    }
    log('src/ is newer than dist/main.js: npm run build');
  } else {
    log(mode === 'always' ? 'npm run build (--build)' : 'dist/main.js is missing: npm run build');
  }
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', timeout: 180_000 });
  if (result.status !== 0) throw new Error(`npm run build failed (status ${result.status ?? result.signal})`);
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (!(await waitForExit(child, graceMs))) {
    child.kill('SIGKILL');
    await waitForExit(child, 2000);
  }
}

export interface SimulatorProcess {
  url: string;
  /** The token endpoints: `url`, or a plain HTTP listener when the simulator serves HTTPS. */
  authUrl: string;
  env: Record<string, string>;
  pid: number;
  setScenario(name: ScenarioName): Promise<void>;
  /** Counters, plus `account:<name>` chat calls per simulator account. */
  stats(): Promise<Record<string, number>>;
  /** Sets (or with none, clears) a fault on a simulator account. */
  fault(account: string, fault?: string): Promise<void>;
  guard(pid: number): void;
  unguard(pid: number): void;
  stop(): Promise<void>;
}

/** Forks bench/lib/sim-child.ts under ts-node (transpile only) and waits for its URL; HTTPS with `tls`. */
export async function startSimulator(config: BenchScenarioConfig, tls?: { key: string; cert: string }): Promise<SimulatorProcess> {
  const child = fork(join(__dirname, 'sim-child.ts'), [JSON.stringify(config), ...(tls ? [JSON.stringify(tls)] : [])], {
    cwd: ROOT,
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  let nextId = 1;
  const waiting = new Map<number, (stats?: Record<string, number>) => void>();
  const ready = new Promise<{ url: string; authUrl: string; env: Record<string, string> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulator did not start within 20 s')), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited early (code ${code})`));
    });
    child.on('message', (message: { type: string; id?: number; url?: string; authUrl?: string; env?: Record<string, string>; stats?: Record<string, number> }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve({ url: message.url!, authUrl: message.authUrl!, env: message.env! });
      } else if (message.type === 'ack' && message.id !== undefined) {
        waiting.get(message.id)?.(message.stats);
        waiting.delete(message.id);
      }
    });
  });
  const { url, authUrl, env } = await ready;
  const ask = (message: Record<string, unknown>): Promise<Record<string, number> | undefined> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`the simulator did not answer ${message.type}`)), 5000);
      waiting.set(id, (stats) => {
        clearTimeout(timer);
        resolve(stats);
      });
      child.send({ ...message, id });
    });
  const sim: SimulatorProcess = {
    url,
    authUrl,
    env,
    pid: child.pid!,
    async setScenario(name) {
      await ask({ type: 'scenario', name });
    },
    async stats() {
      return (await ask({ type: 'stats' })) ?? {};
    },
    async fault(account, fault) {
      await ask({ type: 'fault', account, fault });
    },
    guard(pid) {
      child.send({ type: 'guard', pid });
    },
    unguard(pid) {
      if (child.connected) child.send({ type: 'unguard', pid });
    },
    async stop() {
      if (child.connected) child.disconnect();
      await stopChild(child, 'SIGTERM', 3000);
    },
  };
  onCleanup(() => sim.stop());
  return sim;
}

export interface GatewayProcess {
  url: string;
  pid: number;
  /** The last lines the gateway printed (LOG_LEVEL=ERROR, so normally nothing). */
  output(): string;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  simEnv: Record<string, string>;
  /** More settings, e.g. KIRO_TEST_CA_FILE or KIRO_STREAM_CONNECTION_CLOSE. */
  env?: Record<string, string>;
  cpuProfDir?: string;
  /** Called once when the gateway process has exited, however it ended. */
  onExit?: () => void;
}

/**
 * `node dist/main.js` as its own process, with an explicit environment: the simulator's URLs and
 * login, LOG_LEVEL=ERROR, FAKE_REASONING=false, and no stray credentials or .env (cwd is bench/).
 */
export async function startGateway(options: GatewayOptions): Promise<GatewayProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: '/nonexistent-kiro-home',
    KIRO_HOME: '/nonexistent-kiro-home',
    NODE_ENV: 'production',
    PROXY_API_KEY: PROXY_KEY,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'ERROR',
    DEBUG_MODE: 'off',
    FAKE_REASONING: 'false',
    RATE_LIMIT_PER_MINUTE: '0',
    SHUTDOWN_GRACE_PERIOD: '1',
    KIRO_CREDS_FILE: '',
    KIRO_CLIENT_ID: '',
    KIRO_CLIENT_SECRET: '',
    PROFILE_ARN: '',
    ...options.simEnv,
    ...options.env,
  };
  const args = options.cpuProfDir
    ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir, '-r', join(__dirname, 'gateway-exit-on-signal.js'), DIST_MAIN]
    : [DIST_MAIN];
  const child = spawn(process.execPath, args, { cwd: BENCH_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => options.onExit?.());
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited during start-up (code ${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the gateway did not answer /health within 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const gateway: GatewayProcess = {
    url,
    pid: child.pid!,
    output: () => output,
    async stop() {
      // SIGTERM: Nest's shutdown hooks run, and with --cpu-prof the profile gets written.
      await stopChild(child, 'SIGTERM', 8000);
    },
  };
  onCleanup(() => gateway.stop());
  return gateway;
}
