import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Harness, type HarnessOptions, startHarness } from '../support/gateway-harness';

/**
 * What the agent specs share: the installed agents (test/agents/install.sh), a throw-away HOME
 * per run, the README's own configuration blocks, and a run that cannot reach anything but the
 * gateway.
 */

const AGENTS_DIR = __dirname;
const README = join(AGENTS_DIR, '..', '..', 'README.md');

export const agentBin = (name: 'claude' | 'codex' | 'opencode'): string => join(AGENTS_DIR, 'node_modules', '.bin', name);
export const venvPython = join(AGENTS_DIR, '.venv', 'bin', 'python');

/**
 * `describe` when `installed`; otherwise a skipped block (the run ends with one line saying how
 * to install, test/support/skipped-agents-reporter.js) — except in CI, where a missing agent is
 * a failure, not a skip.
 */
export function describeInstalled(what: string, installed: boolean, body: () => void): void {
  if (installed) return describe(what, body);
  if (process.env.CI === 'true') {
    return describe(what, () => {
      it('has its agent installed (bash test/agents/install.sh)', () => {
        throw new Error(`${what}: not installed; run bash test/agents/install.sh`);
      });
    });
  }
  describe.skip(what, body);
}

/**
 * Every connection an agent opens to anything but 127.0.0.1 goes to a closed port, so a run that
 * needed the internet fails here instead of passing on a machine that has it.
 */
const OFFLINE: Record<string, string> = {
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  ALL_PROXY: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  all_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '127.0.0.1,localhost',
  no_proxy: '127.0.0.1,localhost',
  npm_config_registry: 'http://127.0.0.1:9/',
};

export interface AgentHome {
  home: string;
  /** The project directory the agent works in. */
  cwd: string;
  remove(): Promise<void>;
}

export async function throwAwayHome(): Promise<AgentHome> {
  const home = await mkdtemp(join(tmpdir(), 'kiro-agent-home-'));
  const cwd = join(home, 'project');
  await mkdir(cwd);
  return { home, cwd, remove: () => rm(home, { recursive: true, force: true }) };
}

/** The gateway (with its simulator) and a fresh HOME per test, as every agent spec uses them. */
export interface AgentSession {
  readonly h: Harness;
  readonly home: AgentHome;
}

/**
 * Starts one gateway for the file and gives each test a throw-away HOME (`prepare` writes the
 * agent's configuration into it); after each test, every request the agent made must have
 * passed the simulator's validation.
 */
export function useAgentSession(prepare: (home: AgentHome, h: Harness) => Promise<void> = async () => undefined, harness: HarnessOptions = {}): AgentSession {
  let h: Harness | undefined;
  let home: AgentHome | undefined;
  beforeAll(async () => {
    h = await startHarness(harness);
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    h!.sim.reset();
    home = await throwAwayHome();
    await prepare(home, h!);
  });
  afterEach(async () => {
    await home?.remove();
    expect(h!.sim.stats.rejected).toBe(0);
  });
  return {
    get h() {
      return h!;
    },
    get home() {
      return home!;
    },
  };
}

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for what an agent prints on either. */
  output: string;
}

/**
 * Runs an agent to its end with stdin closed and only the environment given (plus PATH, HOME and
 * the offline proxies): nothing of the developer's own setup reaches it. Killed, with all it
 * started, after `timeoutMs`.
 */
export function runAgent(command: string, args: string[], options: { home: AgentHome; env?: Record<string, string>; timeoutMs?: number }): Promise<AgentRun> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.home.home, LANG: 'C.UTF-8', TERM: 'dumb', ...OFFLINE, ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.home.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs ?? 90_000} ms:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 90_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

/**
 * The first fenced block of `language` after the README heading `heading`, with the README's
 * address (`http://localhost:8000`) pointed at the gateway under test: what a user copies, and
 * exactly what the test runs.
 */
export function readmeBlock(heading: string, language: string, gatewayUrl: string): string {
  const readme = readFileSync(README, 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const block = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(readme.slice(at));
  if (!block) throw new Error(`README.md has no \`\`\`${language} block after "${heading}"`);
  return block[1].replaceAll('http://localhost:8000', gatewayUrl);
}

/** `export NAME=VALUE` lines of a README shell block, `$PROXY_API_KEY` filled in. */
export function readmeExports(block: string, proxyApiKey: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of block.matchAll(/^export ([A-Z_]+)=(\S+)/gm)) env[match[1]] = match[2].replace('$PROXY_API_KEY', proxyApiKey);
  if (Object.keys(env).length === 0) throw new Error(`no export lines in:\n${block}`);
  return env;
}

/** The Kiro model ids and bodies of the chat calls the simulator accepted. */
export interface KiroCall {
  modelId: string;
  content: string;
  history: Array<{ userInputMessage?: { content: string; userInputMessageContext?: { toolResults?: Array<{ content: Array<{ text?: string }> }> } }; assistantResponseMessage?: { content: string; toolUses?: Array<{ name: string }> } }>;
  toolResults: string[];
}

export function kiroCalls(h: Harness): KiroCall[] {
  return h.sim.requests
    .filter((r) => r.path === '/generateAssistantResponse' && r.status === 200)
    .map((r) => {
      const state = (r.body as { conversationState: { currentMessage: { userInputMessage: { modelId: string; content: string; userInputMessageContext?: { toolResults?: Array<{ content: Array<{ text?: string }> }> } } }; history?: KiroCall['history'] } }).conversationState;
      const current = state.currentMessage.userInputMessage;
      return {
        modelId: current.modelId,
        content: current.content,
        history: state.history ?? [],
        toolResults: (current.userInputMessageContext?.toolResults ?? []).flatMap((result) => result.content.map((block) => block.text ?? '')),
      };
    });
}

export { metric } from '../support/metrics';

export const installed = (path: string): boolean => existsSync(path);
