import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROXY_KEY } from '../support/gateway-harness';
import { agentBin, describeInstalled, installed, kiroCalls, readmeBlock, runAgent, useAgentSession } from './agent-support';

/** OpenCode with `@ai-sdk/openai-compatible`, as a user runs it: the README's opencode.json, `opencode run`. */
const OPENCODE = agentBin('opencode');
const QUIET = {
  OPENCODE_DISABLE_AUTOUPDATE: '1',
  OPENCODE_DISABLE_MODELS_FETCH: '1',
  OPENCODE_DISABLE_SHARE: '1',
  OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
};

describeInstalled('OpenCode 1.18.33 against the gateway (e2e)', installed(OPENCODE), () => {
  jest.setTimeout(120_000);
  const session = useAgentSession(async (home, h) => {
    await mkdir(join(home.home, '.config', 'opencode'), { recursive: true });
    await writeFile(join(home.home, '.config', 'opencode', 'opencode.json'), readmeBlock('### OpenCode (OpenAI chat completions)', 'json', h.url));
  });
  const run = (prompt: string) => runAgent(OPENCODE, ['run', prompt], { home: session.home, env: { KIRO_GATEWAY_KEY: PROXY_KEY, ...QUIET } });

  it('answers a plain prompt', async () => {
    const result = await run('[sim:say Hello from the gateway]');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Hello from the gateway');
  });

  it('runs a bash tool loop: the command runs and its output comes back in the final answer', async () => {
    const result = await run('Run [sim:shell echo oc-sim-$((6*7))]');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Hello from the Kiro simulator! I received 1 tool result(s): "oc-sim-42"');
    expect(kiroCalls(session.h).at(-1)?.toolResults.join('')).toContain('oc-sim-42');
  });
});
