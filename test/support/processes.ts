import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';

/** A free TCP port on 127.0.0.1 (for servers that cannot listen on port 0 and report it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${output()}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${output()}`);
}

/** `text` in a process's output, polled until `timeoutMs`: a running gateway writes its log from another thread. */
export async function waitForOutput(running: RunningProcess, text: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!running.output().includes(text) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return running.output();
}

export interface StartOptions {
  cwd?: string;
  /** Leave stdout unread (its pipe fills up, as behind a stalled log shipper) until `readStdout()`. */
  holdStdout?: boolean;
  /** How much of the latest output `output()` keeps (20,000 characters). */
  keepOutputChars?: number;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv, options: StartOptions = {}): RunningProcess & { readStdout(): void } {
  const child = spawn(command, args, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = options.keepOutputChars ?? 20_000;
  const readStdout = () => child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-keep)));
  if (!options.holdStdout) readStdout();
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-keep)));
  return {
    process: child,
    readStdout,
    output: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
export const redisAvailable = existsSync(REDIS_SERVER);

/** A throwaway redis-server: no persistence, loopback only; on `port` to restart one where it was. */
export async function startRedis(port?: number): Promise<RunningProcess & { url: string; port: number }> {
  port ??= await freePort();
  const redis = start(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], process.env);
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined); // refused connections while redis-server starts
  await waitFor(async () => {
    await probe.connect().catch(() => undefined);
    return (await probe.ping()) === 'PONG';
  }, 'redis-server', 10_000, redis.process, redis.output);
  probe.disconnect();
  return { ...redis, url: `redis://127.0.0.1:${port}`, port };
}

/** How the e2e tests start the gateway's own entry point: from source, no build needed. */
function gatewayCommand(args: readonly string[], env: Record<string, string>): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const root = join(__dirname, '..', '..');
  return {
    command: process.execPath,
    args: ['-r', require.resolve('ts-node/register/transpile-only'), join(root, 'src', 'main.ts'), ...args],
    env: {
      PATH: process.env.PATH,
      HOME: '/nonexistent-kiro-home',
      NODE_ENV: 'test',
      TS_NODE_PROJECT: join(root, 'tsconfig.json'),
      LOG_LEVEL: 'ERROR',
      LOG_FORMAT: 'json',
      HOST: '127.0.0.1',
      ...env,
    },
  };
}

/**
 * The gateway as its own process, from source (no build needed), ready on /health/live; `cwd` is
 * where it looks for `.env` (read only when NODE_ENV is not `test`).
 */
export async function startGatewayProcess(env: Record<string, string>, options: StartOptions = {}): Promise<RunningProcess & { url: string; readStdout(): void }> {
  const port = await freePort();
  // The console's request log (with ADMIN_API_KEY) in memory: never a file in the work tree.
  const gateway = gatewayCommand([], { PORT: String(port), REQUEST_LOG_FILE: ':memory:', ...env });
  const child = start(gateway.command, gateway.args, gateway.env, options);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health/live`)).ok, 'gateway', 60_000, child.process, child.output);
  return { ...child, url };
}

export interface FinishedProcess {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the gateway's entry point with `args` until it exits by itself (within `timeoutMs`). */
export function runGatewayToExit(env: Record<string, string>, args: readonly string[] = [], timeoutMs = 60_000, cwd?: string): Promise<FinishedProcess> {
  const gateway = gatewayCommand(args, env);
  const child = spawn(gateway.command, gateway.args, { env: gateway.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The gateway did not exit within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    // 'close', not 'exit': it comes once the output pipes are drained too.
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}
