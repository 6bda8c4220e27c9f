import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROXY_KEY } from '../support/gateway-harness';
import { textReply } from '../simulator';
import { agentBin, describeInstalled, installed, kiroCalls, readmeBlock, runAgent, useAgentSession } from './agent-support';

/**
 * Codex CLI on the Responses API, as a user runs it: the README's `~/.codex/config.toml`,
 * `codex exec` in a fresh directory. Codex sends `namespace` tools, `web_search`,
 * `include: ["reasoning.encrypted_content"]` with `store: false`, and compacts through the same
 * endpoint; every request must pass the simulator.
 */
const CODEX = agentBin('codex');
const THOUGHT = 'The user greeted the simulator; I will echo what they said.';

describeInstalled('Codex CLI 0.171.0 against the gateway (e2e)', installed(CODEX), () => {
  jest.setTimeout(120_000);
  const session = useAgentSession(async (home, h) => {
    await mkdir(join(home.home, '.codex'));
    await writeFile(join(home.home, '.codex', 'config.toml'), readmeBlock('### Codex (OpenAI Responses API)', 'toml', h.url));
  });
  const codex = (...args: string[]) => runAgent(CODEX, args, { home: session.home, env: { KIRO_GATEWAY_KEY: PROXY_KEY } });
  // --strict-config: Codex refuses a README configuration with a key it does not know.
  const exec = (prompt: string) => codex('exec', '--strict-config', '--skip-git-repo-check', prompt);
  /** The final message Codex prints on stdout. */
  const answer = (stdout: string) => stdout.trim().split('\n').at(-1);

  it('runs a web_search: Codex declares it with external_web_access false, the gateway searches through Kiro and Codex shows the search', async () => {
    const run = await exec('Look this up: [sim:websearch codex cli docs]');

    expect(run.code).toBe(0);
    const declared = session.h.sim.requests.find((r) => r.path === '/generateAssistantResponse')?.body as { conversationState: { currentMessage: { userInputMessage: { userInputMessageContext: { tools: Array<{ toolSpecification: { name: string } }> } } } } };
    expect(declared.conversationState.currentMessage.userInputMessage.userInputMessageContext.tools.map((tool) => tool.toolSpecification.name)).toContain('web_search');
    expect(session.h.sim.searchQueries).toStrictEqual(['codex cli docs']);
    // Codex prints the web_search_call item it got, then the answer made from the results.
    expect(run.output).toContain('web search: codex cli docs');
    expect(run.stdout).toContain('Hello from the Kiro simulator! I received 1 tool result(s): "Web search results for "codex cli docs"');
  });

  it('answers a plain prompt', async () => {
    const run = await exec('[sim:say Hello from the gateway]');

    expect(run.code).toBe(0);
    expect(answer(run.stdout)).toBe('Hello from the gateway');
  });

  it('runs an exec_command loop: the command runs and its output comes back in the final answer', async () => {
    const run = await exec('Run [sim:shell echo codex-sim-$((6*7))]');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Output:\ncodex-sim-42"');
    expect(kiroCalls(session.h).at(-1)?.toolResults.join('')).toContain('codex-sim-42');
  });

  it('prints the reasoning Kiro produced', async () => {
    const run = await exec('Hello there');

    expect(run.code).toBe(0);
    expect(run.output).toContain(THOUGHT);
  });

  it('runs a namespaced tool: the call comes back in the shape Codex routes to its multi_agent_v1 handler', async () => {
    const run = await exec('[sim:call multi_agent_v1__close_agent {"target":"agent-from-the-test"}]');

    expect(run.code).toBe(0);
    // The handler itself answered (an id it cannot parse), not "unsupported call".
    expect(answer(run.stdout)).toMatch(/^Hello from the Kiro simulator! I received 1 tool result\(s\): "invalid agent id agent-from-the-test/);
    expect(run.output).not.toContain('unsupported call');
  });

  it('continues with store: false: the reasoning it hands back (encrypted_content) reaches the model again', async () => {
    await exec('Hello there');

    const second = await codex('exec', '--strict-config', '--skip-git-repo-check', 'resume', '--last', '[sim:say second turn]');

    expect(second.code).toBe(0);
    expect(answer(second.stdout)).toBe('second turn');
    const assistantTurns = kiroCalls(session.h).at(-1)!.history.flatMap((turn) => (turn.assistantResponseMessage ? [turn.assistantResponseMessage.content] : []));
    expect(assistantTurns[0]).toMatch(new RegExp(`^<thinking>${THOUGHT}</thinking>\\n\\nHello from the Kiro simulator!`));
  });

  it('sends its reasoning effort to a native-reasoning model as native fields, and its signed reasoning back on the next turn', async () => {
    const native = ['-c', 'model="claude-sonnet-4.6"', '-c', 'model_reasoning_effort="high"'];
    const first = await codex('exec', '--strict-config', ...native, '--skip-git-repo-check', 'Hello there');
    expect(first.code).toBe(0);
    expect(first.output).toContain('Thinking natively at high effort: I answer what the user asked.');

    const second = await codex('exec', '--strict-config', ...native, '--skip-git-repo-check', 'resume', '--last', '[sim:say second turn]');

    expect(second.code).toBe(0);
    const bodies = session.h.sim.requests
      .filter((r) => r.path === '/generateAssistantResponse' && r.status === 200)
      .map((r) => r.body as { additionalModelRequestFields?: unknown; conversationState: { history?: Array<{ assistantResponseMessage?: { reasoningContent?: unknown } }> } });
    expect(bodies.map((body) => body.additionalModelRequestFields)).toStrictEqual([
      { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'high' } },
      { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'high' } },
    ]);
    const handedBack = bodies[1].conversationState.history?.flatMap((turn) => (turn.assistantResponseMessage?.reasoningContent ? [turn.assistantResponseMessage.reasoningContent] : []));
    expect(handedBack).toStrictEqual([{ reasoningText: { text: 'Thinking natively at high effort: I answer what the user asked.', signature: expect.any(String) } }]);
  });

  it('compacts its context through the Responses endpoint when it fills up, then goes on', async () => {
    await exec('Hello there');

    const run = await codex('exec', '--strict-config', '-c', 'model_auto_compact_token_limit=1000', '--skip-git-repo-check', 'resume', '--last', '[sim:say after the compaction]');

    expect(run.code).toBe(0);
    expect(run.output).toContain('context compacted');
    expect(answer(run.stdout)).toBe('after the compaction');
    expect(kiroCalls(session.h).some((call) => call.content.includes('CONTEXT CHECKPOINT COMPACTION'))).toBe(true);
  });

  describe('on a stream that goes quiet', () => {
    const quiet = useAgentSession(
      async (home, h) => {
        await mkdir(join(home.home, '.codex'));
        await writeFile(join(home.home, '.codex', 'config.toml'), readmeBlock('### Codex (OpenAI Responses API)', 'toml', h.url));
      },
      { env: { STREAM_KEEPALIVE_INTERVAL: '0.2' } },
    );

    it("keeps Codex's idle timer from firing: keepalive events reset it, and Codex skips them", async () => {
      // 2.4 s of silence mid-answer against Codex's idle timeout of 1.5 s, no stream retries.
      quiet.h.sim.enqueue({ ...textReply('Still here, after a long think.', { chunkChars: 16 }), frameDelayMs: 1_200 });

      const run = await runAgent(
        CODEX,
        ['exec', '--strict-config', '-c', 'model_providers.kiro.stream_idle_timeout_ms=1500', '-c', 'model_providers.kiro.stream_max_retries=0', '--skip-git-repo-check', 'Hello'],
        { home: quiet.home, env: { KIRO_GATEWAY_KEY: PROXY_KEY } },
      );

      expect(run.code).toBe(0);
      expect(answer(run.stdout)).toBe('Still here, after a long think.');
      expect(run.output).not.toMatch(/idle timeout|stream disconnected/i);
    });
  });
});
