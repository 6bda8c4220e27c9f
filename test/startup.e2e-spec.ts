import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KiroSimulator } from './simulator';
import { runGatewayToExit, startGatewayProcess, waitForOutput } from './support/processes';

/**
 * What an operator sees when the gateway starts, fails to start, or stops: the real entry point
 * as its own process. A problem the user can fix is one line naming the variable or file and the
 * fix, with no stack trace; nothing secret is ever printed.
 */

const STACK_LINE = /^\s+at /m;

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('the gateway binary (e2e)', () => {
  it('--help lists the commands and main settings without starting (or needing any configuration)', async () => {
    const version = (JSON.parse(await readFile(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

    const run = await runGatewayToExit({}, ['--help']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^kiro-gateway ${version.replaceAll('.', '\\.')}: `));
    expect(run.stdout).toContain('node dist/main.js --version');
    expect(run.stdout).toContain('PROXY_API_KEY');
    expect(run.stderr).toBe('');
  });

  it('--version prints the version alone', async () => {
    const version = (JSON.parse(await readFile(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

    const run = await runGatewayToExit({}, ['--version']);

    expect(run).toEqual({ exitCode: 0, signal: null, stdout: `${version}\n`, stderr: '' });
  });

  it('refuses an unknown argument with a pointer to --help', async () => {
    const run = await runGatewayToExit({ PROXY_API_KEY: 'k' }, ['--port=9000']);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("kiro-gateway: unknown argument '--port=9000'. Settings are environment variables; see --help.\n");
  });
});

describe('start-up failures (e2e)', () => {
  it('reports every bad setting at once, one line each, including the demo key outside the demo', async () => {
    const run = await runGatewayToExit({ PROXY_API_KEY: 'demo-key', PORT: 'abc', FIRST_TOKEN_TIMEOUT: '-1', LOG_LEVEL: 'loud' });

    expect(run.exitCode).toBe(1);
    expect(run.stderr.split('\n')).toEqual([
      "kiro-gateway cannot start: Invalid configuration: PROXY_API_KEY is 'demo-key', the demo's well-known key, which only npm run demo accepts: set your own long random key (after the README's 'export PROXY_API_KEY=demo-key', run 'unset PROXY_API_KEY' so the one in .env is used)",
      "kiro-gateway cannot start: Invalid configuration: PORT must be a number (got 'abc')",
      "kiro-gateway cannot start: Invalid configuration: FIRST_TOKEN_TIMEOUT must be a positive number of seconds (got '-1')",
      "kiro-gateway cannot start: Invalid configuration: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (got 'loud')",
      '',
    ]);
  });

  it('cannot be put in demo mode by a .env line: the demo key is still refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiro-startup-demo-env-'));
    try {
      await writeFile(join(dir, '.env'), 'KIRO_GATEWAY_DEMO=true\nPROXY_API_KEY=demo-key\n');

      const run = await runGatewayToExit({ NODE_ENV: 'development' }, [], 60_000, dir);

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain("kiro-gateway cannot start: Invalid configuration: PROXY_API_KEY is 'demo-key', the demo's well-known key");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says a port in use is in use and how to pick another, after the lines that were already logged', async () => {
    const { server, port } = await holdPort();
    try {
      const run = await runGatewayToExit({ PROXY_API_KEY: 'a-long-test-key', PORT: String(port), REFRESH_TOKEN: 'unused', LOG_LEVEL: 'INFO' });

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toBe(
        `kiro-gateway cannot start: port ${port} is in use (on 127.0.0.1; another gateway or demo still running?): stop that process, or set PORT to a free port, e.g. PORT=${port + 1}\n`,
      );
      // The start-up lines before the failure are not lost.
      expect(run.stdout).toContain('Kiro credentials loaded from REFRESH_TOKEN environment variable (social refresh)');
      expect(run.stdout).not.toContain('EADDRINUSE');
    } finally {
      server.close();
    }
  });

  it('names a truncated KIRO_CREDS_FILE, where it breaks and the fix, without its content or a stack', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiro-startup-'));
    const path = join(dir, 'kiro-creds.json');
    await writeFile(path, '{\n  "accessToken": "aoa-secret-access",\n  "refreshToken": "aor-secret-ref');
    try {
      const run = await runGatewayToExit({ PROXY_API_KEY: 'a-long-test-key', KIRO_CREDS_FILE: path, LOG_LEVEL: 'INFO' });

      expect(run.exitCode).toBe(1);
      expect(run.stderr).toBe(
        `kiro-gateway cannot start: KIRO_CREDS_FILE (${path}) is not valid JSON: it ends too early, at line 3, column 34 (cut short?); ` +
          'correct it, or unset KIRO_CREDS_FILE to use REFRESH_TOKEN or a Kiro IDE / kiro-cli login instead\n',
      );
      expect(run.stdout + run.stderr).not.toMatch(/secret|401|authentication_error/);
      expect(run.stdout + run.stderr).not.toMatch(STACK_LINE);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a normal start and stop (e2e)', () => {
  let sim: KiroSimulator;

  beforeAll(async () => {
    sim = await KiroSimulator.start();
  });
  afterAll(() => sim.close());

  it('shows the lines that matter and not the framework wiring, then says what SIGTERM does', async () => {
    const gateway = await startGatewayProcess({ ...sim.gatewayEnv(), PROXY_API_KEY: 'a-long-test-key', LOG_LEVEL: 'INFO', LOG_FORMAT: 'json' });
    await gateway.stop();

    const messages = gateway
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { context?: string; msg: string })
      .filter((line) => line.context !== 'HTTP');
    expect(messages.map((line) => `[${line.context}] ${line.msg}`)).toEqual([
      '[Gateway] Proxy key: PROXY_API_KEY from the environment',
      '[AuthService] Kiro credentials loaded from REFRESH_TOKEN environment variable (social refresh)',
      // The model list is fetched at start-up, so the login is checked before anyone asks.
      '[TokenManager] Kiro access token refreshed (social)',
      expect.stringMatching(/^\[Gateway\] kiro-gateway \d+\.\d+\.\d+\S* listening on 127\.0\.0\.1:\d+; docs at \/docs and \/redoc; Ctrl\+C or SIGTERM stops it$/),
      '[Shutdown] SIGTERM received: no new connections; nothing running, stopping now',
      '[Shutdown] kiro-gateway stopped (SIGTERM)',
    ]);
    expect(gateway.output()).not.toContain('a-long-test-key');
  });

  it('says when a PROXY_API_KEY in the environment overrides the one in .env, and serves only the winning key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiro-startup-env-'));
    await writeFile(join(dir, '.env'), 'PROXY_API_KEY=the-key-written-in-dotenv\n');
    const gateway = await startGatewayProcess({ ...sim.gatewayEnv(), PROXY_API_KEY: 'the-key-exported-in-the-shell', NODE_ENV: 'development', LOG_LEVEL: 'INFO' }, { cwd: dir });
    try {
      const call = (key: string) => fetch(`${gateway.url}/v1/models`, { headers: { Authorization: `Bearer ${key}` } });

      expect((await call('the-key-exported-in-the-shell')).status).toBe(200);
      expect((await call('the-key-written-in-dotenv')).status).toBe(401);
      expect(await waitForOutput(gateway, 'Proxy key:')).toContain('Proxy key: PROXY_API_KEY from the environment, which overrides the different one in .env');
      expect(gateway.output()).not.toContain('the-key-');
    } finally {
      await gateway.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
