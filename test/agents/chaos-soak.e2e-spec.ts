import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROXY_KEY } from '../support/gateway-harness';
import { agentBin, describeInstalled, installed, kiroCalls, readmeBlock, readmeExports, runAgent, useAgentSession } from './agent-support';
import request from 'supertest';

/**
 * Soak runs under chaos (issue 20): real agents on a scripted multi-step task while the simulator
 * fails a share of Kiro calls at random (429, 500, a cut, an exception frame, a slow first token).
 * The gateway must absorb every fault: the task completes and no error reaches the agent. Kept
 * short for CI: small simulator delays, a first-token timeout of a fraction of a second.
 */
const CLAUDE = agentBin('claude');
const CODEX = agentBin('codex');
const QUIET = { DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', DISABLE_ERROR_REPORTING: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
const GATEWAY = { FIRST_TOKEN_TIMEOUT: '0.3', BASE_RETRY_DELAY: '0.01' };
const chaos = (seed: number) => ({ probability: 0.2, seed, slowFirstTokenMs: 1_000 });

/** Error events and error statuses the gateway sent to clients (its /metrics). */
async function errorsSentToClients(url: string): Promise<number> {
  const text = (await request(url).get('/metrics').set('Authorization', `Bearer ${PROXY_KEY}`)).text;
  const midStream = [...text.matchAll(/^kiro_gateway_stream_errors_total(?:\{[^}]*\})? (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  const statuses = [...text.matchAll(/^kiro_gateway_http_requests_total\{[^}]*status="(\d+)"[^}]*\} (\d+)/gm)].filter((m) => Number(m[1]) >= 400).reduce((sum, m) => sum + Number(m[2]), 0);
  return midStream + statuses;
}

describeInstalled('Claude Code under chaos p = 0.2: a 30-step task (e2e soak)', installed(CLAUDE), () => {
  jest.setTimeout(240_000);
  const session = useAgentSession(async (_home, h) => h.sim.setChaos(chaos(2020)), { env: GATEWAY });

  it('completes all 30 Bash steps with no error reaching Claude Code', async () => {
    const env = { ...readmeExports(readmeBlock('### Claude Code (Anthropic Messages API)', 'bash', session.h.url), PROXY_KEY), ...QUIET };

    const run = await runAgent(CLAUDE, ['-p', 'Work through the task [sim:steps 30]'], { home: session.home, env, timeoutMs: 200_000 });

    const faults = session.h.sim.chaosCounts!;
    const errors = await errorsSentToClients(session.h.url);
    console.log(`Claude Code soak: ${faults.calls} Kiro calls, faults injected ${JSON.stringify(faults)}, errors sent to the client ${errors}`);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Completed 30 steps; the last output was "step-30".');
    expect(run.output).not.toMatch(/API Error/);
    expect(errors).toBe(0);
    expect(faults.calls - faults.throttle - faults.error500 - faults.cut - faults.exception - faults.slow).toBeGreaterThan(30);
    expect(faults.throttle + faults.error500 + faults.cut + faults.exception + faults.slow).toBeGreaterThan(3);
    expect(kiroCalls(session.h).at(-1)?.toolResults.join('')).toContain('step-30');
  });
});

describeInstalled('Codex under chaos p = 0.2: a 10-step task (e2e soak)', installed(CODEX), () => {
  jest.setTimeout(180_000);
  const session = useAgentSession(async (home, h) => {
    h.sim.setChaos(chaos(2021));
    await mkdir(join(home.home, '.codex'));
    await writeFile(join(home.home, '.codex', 'config.toml'), readmeBlock('### Codex (OpenAI Responses API)', 'toml', h.url));
  }, { env: GATEWAY });

  it('completes all 10 shell steps with no error reaching Codex', async () => {
    const run = await runAgent(CODEX, ['exec', '--strict-config', '--skip-git-repo-check', 'Work through the task [sim:steps 10]'], {
      home: session.home,
      env: { KIRO_GATEWAY_KEY: PROXY_KEY },
      timeoutMs: 150_000,
    });

    const faults = session.h.sim.chaosCounts!;
    const errors = await errorsSentToClients(session.h.url);
    console.log(`Codex soak: ${faults.calls} Kiro calls, faults injected ${JSON.stringify(faults)}, errors sent to the client ${errors}`);
    expect(run.code).toBe(0);
    // Codex hands its shell output back with a header ("Exit code: 0 … Output:\nstep-10"): the answer quotes all of it.
    expect(run.stdout).toContain('Completed 10 steps; the last output was "');
    expect(kiroCalls(session.h).at(-1)?.toolResults.join('')).toContain('step-10');
    expect(errors).toBe(0);
    expect(faults.throttle + faults.error500 + faults.cut + faults.exception + faults.slow).toBeGreaterThan(0);
  });
});
