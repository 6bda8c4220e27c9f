import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROXY_KEY } from '../support/gateway-harness';
import { agentBin, describeInstalled, installed, kiroCalls, metric, readmeBlock, readmeExports, runAgent, useAgentSession } from './agent-support';

/**
 * Claude Code, as a user runs it: the README's environment, its default model, `claude -p`.
 * What it prints is what is asserted; every request it made must have passed the simulator.
 */
const CLAUDE = agentBin('claude');
const QUIET = { DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', DISABLE_ERROR_REPORTING: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };

interface StreamLine {
  type: string;
  session_id?: string;
  message?: { content: Array<{ type: string; text?: string; thinking?: string; signature?: string }> };
}

/** What a Kiro call asked for natively, and the reasoning its history handed back (kiro-protocol.md §9.5). */
interface NativeReasoningCall {
  additionalModelRequestFields?: { thinking?: { type?: string }; output_config?: { effort?: string } };
  conversationState: { history?: Array<{ assistantResponseMessage?: { reasoningContent?: { reasoningText?: { text: string; signature: string } } } }> };
}

describeInstalled('Claude Code 2.1.332 against the gateway (e2e)', installed(CLAUDE), () => {
  jest.setTimeout(120_000);
  const session = useAgentSession();
  const claude = (...args: string[]) => {
    const env = { ...readmeExports(readmeBlock('### Claude Code (Anthropic Messages API)', 'bash', session.h.url), PROXY_KEY), ...QUIET };
    return runAgent(CLAUDE, args, { home: session.home, env });
  };

  it('answers a plain prompt on its default model, served by the newest Opus the account has', async () => {
    const run = await claude('-p', '[sim:say Hello from the gateway]');

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Hello from the gateway');
    expect(kiroCalls(session.h).map((call) => call.modelId)).toStrictEqual(['claude-opus-4.7']);
  });

  it('runs a Bash tool loop: the command runs and its output comes back in the final answer', async () => {
    const run = await claude('-p', 'Run this: [sim:shell echo cc-sim-$((6*7))]');

    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('Hello from the Kiro simulator! I received 1 tool result(s): "cc-sim-42"');
    expect(kiroCalls(session.h).map((call) => call.toolResults)).toStrictEqual([[], ['cc-sim-42']]);
  });

  it('shows the thinking Kiro produced (natively, on its default model) as a thinking block', async () => {
    const run = await claude('-p', '--output-format', 'stream-json', '--verbose', 'Hello there');

    const blocks = lines(run.stdout).flatMap((line) => (line.type === 'assistant' ? (line.message?.content ?? []) : []));
    expect(run.code).toBe(0);
    expect(blocks.filter((block) => block.type === 'thinking').map((block) => block.thinking)).toStrictEqual(['Thinking natively at medium effort: I answer what the user asked.']);
    expect(blocks.find((block) => block.type === 'text')?.text).toMatch(/^Hello from the Kiro simulator! You said: /);
  });

  it('thinks natively on its default model, and the signed thinking survives the Bash tool loop', async () => {
    const run = await claude('-p', '--output-format', 'stream-json', '--verbose', 'Run this: [sim:shell echo signed-$((6*7))]');

    expect(run.code).toBe(0);
    const calls = session.h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && r.status === 200).map((r) => r.body as NativeReasoningCall);
    expect(calls).toHaveLength(2);
    // Claude Code asks for adaptive thinking at its effort; Opus 4.7 takes it natively.
    expect(calls.map((call) => call.additionalModelRequestFields?.thinking?.type)).toStrictEqual(['adaptive', 'adaptive']);
    expect(calls[0].additionalModelRequestFields?.output_config?.effort).toEqual(expect.any(String));
    const thinking = lines(run.stdout).flatMap((line) => (line.type === 'assistant' ? (line.message?.content ?? []) : [])).filter((block) => block.type === 'thinking');
    // One thought per turn, each signed; the second exists only because the first came back signed.
    expect(thinking).toHaveLength(2);
    expect(thinking.every((block) => (block.signature ?? '').length > 20)).toBe(true);
    const handedBack = calls[1].conversationState.history?.flatMap((turn) => (turn.assistantResponseMessage?.reasoningContent ? [turn.assistantResponseMessage.reasoningContent] : []));
    expect(handedBack).toStrictEqual([{ reasoningText: { text: expect.stringMatching(/^Thinking natively at /), signature: thinking[0].signature } }]);
    expect(run.stdout).toContain('I received 1 tool result(s): \\"signed-42');
  });

  it('resumes a session whose history holds a tool loop and thinking', async () => {
    const first = await claude('-p', '--output-format', 'stream-json', '--verbose', 'Run [sim:shell echo first-$((1+1))]');
    const sessionId = lines(first.stdout).find((line) => line.type === 'result')?.session_id;
    expect(lines(first.stdout).some((line) => line.message?.content.some((block) => block.type === 'thinking' && block.thinking))).toBe(true);

    const resumed = await claude('-p', '--resume', String(sessionId), '[sim:say resumed after the tool loop]');

    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trim()).toBe('resumed after the tool loop');
    const last = kiroCalls(session.h).at(-1)!;
    expect(last.history.flatMap((turn) => turn.assistantResponseMessage?.toolUses?.map((use) => use.name) ?? [])).toStrictEqual(['Bash']);
    expect(JSON.stringify(last.history)).toContain('first-2');
  });

  describe("auto mode (the README's CLAUDE_CODE_AUTO_MODE_SERVER=0)", () => {
    // A command Claude Code does not pass by itself: its classifier is asked first.
    const RISKY = 'Run this: [sim:shell curl -s http://127.0.0.1:9/x > out.txt; echo auto-$((6*7))]';
    const autoMode = (env: Record<string, string>) =>
      runAgent(CLAUDE, ['-p', '--permission-mode', 'auto', RISKY], {
        home: session.home,
        env: { ...readmeExports(readmeBlock('### Claude Code (Anthropic Messages API)', 'bash', session.h.url), PROXY_KEY), ...env, ...QUIET },
      });

    it('runs the action once its local classifier, served by the gateway, finds it routine', async () => {
      const run = await autoMode(readmeExports(readmeBlock("#### Claude Code's auto mode", 'bash', session.h.url), PROXY_KEY));

      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe('Hello from the Kiro simulator! I received 1 tool result(s): "auto-42"');
      expect(kiroCalls(session.h).filter((call) => call.content.includes('You are a security monitor for autonomous AI coding agents'))).toHaveLength(1);
    });

    it('without it, refuses the action as the README says: the server-side check cannot pass a gateway', async () => {
      const run = await autoMode({});

      expect(run.output).toContain("Auto mode can't check actions in this session");
      expect(run.output).toContain("doesn't pass it through");
      expect(kiroCalls(session.h).some((call) => call.content.includes('You are a security monitor'))).toBe(false);
    });
  });

  it("runs a WebSearch: its side request is searched through Kiro's MCP endpoint and the results reach the answer", async () => {
    const run = await claude('-p', 'Look this up: [sim:websearch kiro gateway web search]', '--allowedTools', 'WebSearch');

    expect(run.code).toBe(0);
    expect(session.h.sim.searchQueries).toStrictEqual(['kiro gateway web search']);
    const calls = kiroCalls(session.h);
    // The side request: Claude Code's prompt, the gateway's search as the model's first call, its answer.
    const side = calls.find((call) => call.history.some((turn) => JSON.stringify(turn).includes('Perform a web search for the query: kiro gateway web search')));
    expect(side?.toolResults[0]).toContain('Web search results for "kiro gateway web search"');
    // What WebSearch handed the agent (its links, from the search) came back to the agent's model.
    const last = calls.at(-1)!;
    expect(last.toolResults.join('\n')).toContain('https://example.com/');
    expect(run.stdout).toMatch(/^Hello from the Kiro simulator! I received 1 tool result\(s\): "Web search results for query: "kiro gateway web search"/);
  });

  it("reads Kiro's prompt cache within a session: the later requests report cache reads", async () => {
    const run = await claude('-p', '--output-format', 'stream-json', '--verbose', 'Do the task [sim:steps 2]');

    expect(run.code).toBe(0);
    const calls = session.h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && r.status === 200).map((r) => r.body as CachedCall);
    expect(calls).toHaveLength(3);
    // One conversation for Kiro's cache, checkpoints from Claude Code's cache_control marks, no cch= hash.
    expect(new Set(calls.map((call) => call.conversationState.conversationId)).size).toBe(1);
    expect(calls.every((call) => call.conversationState.currentMessage.userInputMessage.cachePoint !== undefined)).toBe(true);
    expect(JSON.stringify(calls)).not.toContain('x-anthropic-billing-header');
    const result = lines(run.stdout).find((line) => line.type === 'result') as StreamLine & { usage?: Record<string, number> };
    // The second and third requests each read the prefix the one before wrote (its whole prompt, over 10k tokens).
    expect(result.usage?.cache_read_input_tokens).toBeGreaterThan(20_000);
    expect(result.usage?.cache_creation_input_tokens).toBeLessThan(result.usage!.cache_read_input_tokens);
    // Nothing counted twice: the cached prompt is not also in input_tokens (message_start said 0).
    expect(result.usage?.input_tokens).toBeLessThan(1_000);
  });

  it('gets a large Write Kiro cut off once whole, by asking again: the file is on disk with all its content', async () => {
    const content = Array.from({ length: 200 }, (_, i) => `line ${String(i + 1).padStart(3, '0')}: the quick brown fox jumps over the lazy dog`).join('\n') + '\n';
    const path = join(session.home.cwd, 'big.txt');
    const cutBefore = await metric(session.h, 'kiro_gateway_tool_calls_cut_total');

    const run = await claude('-p', '--permission-mode', 'acceptEdits', `Write big.txt [sim:cuttool Write ${JSON.stringify({ file_path: path, content })}]`);

    expect(run.code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(run.stdout).not.toContain('Output token limit hit');
    expect((await metric(session.h, 'kiro_gateway_tool_calls_cut_total')) - cutBefore).toBe(1);
    // The cut call, the re-ask (the instruction to split), then Claude Code's turn with the Write's result.
    const calls = kiroCalls(session.h);
    expect(calls).toHaveLength(3);
    expect(calls[1].content).toMatch(/^Your previous answer was cut off by the output limit/);
    expect(calls[2].toolResults).toHaveLength(1);
  });

  it('ends the turn cleanly when Kiro cuts the tool call off again when asked: no retry loop, Claude Code goes on in smaller steps', async () => {
    const cutBefore = await metric(session.h, 'kiro_gateway_tool_calls_cut_total');

    const run = await claude('-p', 'Write the file [sim:cuttool always]');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Output token limit hit');
    expect((await metric(session.h, 'kiro_gateway_tool_calls_cut_total')) - cutBefore).toBe(2);
    // The cut turn, the gateway's one re-ask (cut again), then Claude Code's own "continue in smaller pieces" turn: no repeated request.
    expect(kiroCalls(session.h)).toHaveLength(3);
  });
});

/** The parts of a Kiro call that prompt caching touches (kiro-protocol.md §9.6). */
interface CachedCall {
  conversationState: { conversationId: string; currentMessage: { userInputMessage: { cachePoint?: unknown } } };
}

function lines(stdout: string): StreamLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as StreamLine);
}
