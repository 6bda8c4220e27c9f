import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_DIRECTIVE_HELP, SIM_DIRECTIVES } from './simulator';
import { freePort } from './support/processes';

/**
 * `npm run demo` as the README has a newcomer use it: the banner, the curl it prints, the
 * multi-tenant key it prints, and Ctrl+C.
 */

const ROOT = join(__dirname, '..');
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('npm run demo (e2e)', () => {
  let demo: ChildProcessWithoutNullStreams;
  let output = '';
  let port: number;
  // A developer's .env where the demo runs: none of it may reach the demo.
  const cwd = mkdtempSync(join(tmpdir(), 'kiro-demo-cwd-'));
  writeFileSync(
    join(cwd, '.env'),
    'PROXY_API_KEY=the-key-in-dotenv\nKIRO_GATEWAY_DEMO=true\nFAKE_REASONING=false\nREFRESH_TOKEN=a-real-refresh-token\nLOG_LEVEL=ERROR\nPORT=1\n',
  );

  beforeAll(async () => {
    port = await freePort();
    demo = spawn(process.execPath, [join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', join(ROOT, 'tools', 'demo.ts')], {
      cwd,
      // A shell's environment: no PROXY_API_KEY, a home with no Kiro login.
      env: { PATH: process.env.PATH, HOME: '/nonexistent-kiro-home', PORT: String(port) },
    });
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!output.includes('Stop with Ctrl+C.')) {
      if (demo.exitCode !== null || Date.now() > deadline) throw new Error(`The demo did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 90_000);
  afterAll(() => {
    if (demo.exitCode === null) demo.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  it("says it uses the demo key and the simulator's login, not .env's or the environment's", () => {
    expect(output).toContain('Proxy key: the demo key, demo-key');
    expect(output).toContain("Kiro credentials loaded from the simulator's demo login (npm run demo)");
    expect(output).not.toContain('PROXY_API_KEY from');
    expect(output).not.toContain('REFRESH_TOKEN environment variable');
  });

  it('lists every simulator directive in its banner, one line each', () => {
    for (const name of SIM_DIRECTIVES) {
      expect(output).toMatch(new RegExp(`^ {3}${escape(SIM_DIRECTIVE_HELP[name].usage)} +${escape(SIM_DIRECTIVE_HELP[name].summary)}$`, 'm'));
    }
  });

  it('answers the curl it prints with the demo key', async () => {
    expect(output).toContain(`curl http://localhost:${port}/v1/chat/completions`);
    expect(output).toContain('-H "Authorization: Bearer demo-key"');

    const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: 'Bearer demo-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'Hello!' }] }),
    });
    const body = (await res.json()) as { choices: Array<{ message: { content: string; reasoning_content?: string } }>; usage: { prompt_tokens: number } };

    expect(res.status).toBe(200);
    expect(body.choices[0].message.content).toBe('Hello from the Kiro simulator! You said: "Hello!"');
    // FAKE_REASONING=false in .env did not reach it: the demo thinks first, as documented.
    expect(body.choices[0].message.reasoning_content).toBeTruthy();
    expect(body.usage.prompt_tokens).toBe(2);
  });

  it('serves the multi-tenant key it prints, and refuses a tenant token Kiro does not know', async () => {
    const tenant = /Authorization: Bearer (demo-key:[\w-]+)"/.exec(output)?.[1];
    expect(tenant).toBe('demo-key:demo-tenant-refresh-token');
    const call = (key: string) =>
      fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] }),
      });

    expect((await call(tenant as string)).status).toBe(200);
    expect((await call('demo-key:some-other-refresh-token')).status).toBe(401);
  });

  it('stops on Ctrl+C, saying so', async () => {
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));

    demo.kill('SIGINT');

    expect(await exited).toBe(0);
    expect(output).toContain('SIGINT received: no new connections');
    expect(output).toContain('kiro-gateway stopped (SIGINT)');
  });
});
