import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Request bodies real agents sent (test/fixtures/client-requests: captured from Claude Code and
 * Codex, long prompt texts shortened), replayed as they came: each must be served, and turned into
 * a Kiro request the strict simulator accepts. The agents themselves run in test/agents.
 */
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(__dirname, 'fixtures', 'client-requests', name), 'utf8')) as Record<string, unknown>;

interface KiroBody {
  conversationState: {
    currentMessage: { userInputMessage: { content: string; modelId: string; userInputMessageContext?: { tools?: Array<{ toolSpecification: { name: string } }> } } };
    history?: Array<{ assistantResponseMessage?: { toolUses?: Array<{ name: string }> } }>;
  };
}

describe('request bodies real agents send (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  const kiroBody = (): KiroBody => h.sim.requests.find((r) => r.path === '/generateAssistantResponse')?.body as KiroBody;
  const anthropic = (body: Record<string, unknown>) =>
    request(h.url).post('/v1/messages?beta=true').set('Authorization', `Bearer ${PROXY_KEY}`).set('anthropic-version', '2023-06-01').set('anthropic-beta', 'claude-code-20250219,context-management-2025-06-27').send(body);
  const responses = (body: Record<string, unknown>) =>
    request(h.url).post('/v1/responses').set('Authorization', `Bearer ${PROXY_KEY}`).set('x-codex-beta-features', 'remote_compaction_v2').send(body);

  it("serves Claude Code's first turn: default model, a system message after the prompt, adaptive thinking, deferred tools", async () => {
    const res = await anthropic(fixture('claude-code-2.1.332-first-turn.json'));

    expect(res.status).toBe(200);
    expect(res.headers['x-kiro-model']).toBe('claude-opus-4.7');
    expect(parseSse(res.text).at(-1)).toStrictEqual({ type: 'message_stop' });
    const current = kiroBody().conversationState.currentMessage.userInputMessage;
    expect(current.content).toContain('<system-reminder>\n# Environment');
    const declared = current.userInputMessageContext?.tools?.map((tool) => tool.toolSpecification.name);
    expect(declared).toContain('ToolSearch');
    expect(declared).not.toContain('DeferredToolPlaceholder');
    expect(h.sim.stats.rejected).toBe(0);
  });

  it("serves Claude Code's tool-loop turn: thinking, text and tool_use in history, the system message between turns", async () => {
    const res = await anthropic(fixture('claude-code-2.1.332-tool-loop.json'));

    expect(res.status).toBe(200);
    expect(kiroBody().conversationState.history?.flatMap((turn) => turn.assistantResponseMessage?.toolUses?.map((use) => use.name) ?? [])).toStrictEqual(['Bash']);
    expect(h.sim.stats.rejected).toBe(0);
  });

  it("serves Claude Code's auto-mode turn: the safeguards field and the server-check betas are ignored, never forwarded", async () => {
    const res = await request(h.url)
      .post('/v1/messages?beta=true')
      .set('Authorization', `Bearer ${PROXY_KEY}`)
      .set('anthropic-version', '2023-06-01')
      .set('anthropic-beta', 'claude-code-20250219,context-management-2025-06-27,dangerous-tool-use-2026-09-03,afk-mode-2026-01-31')
      .send(fixture('claude-code-2.1.332-auto-mode-turn.json'));

    expect(res.status).toBe(200);
    expect(parseSse(res.text).at(-1)).toStrictEqual({ type: 'message_stop' });
    expect(JSON.stringify(kiroBody())).not.toContain('dangerous_tool_use');
    expect(h.sim.stats.rejected).toBe(0);
  });

  it("serves Claude Code's local auto-mode classifier (CLAUDE_CODE_AUTO_MODE_SERVER=0): non-stream, 64 tokens, thinking off", async () => {
    const res = await anthropic(fixture('claude-code-2.1.332-auto-mode-classifier.json'));

    expect(res.status).toBe(200);
    // The simulator answers as a model that finds the action routine.
    expect(res.body).toMatchObject({ type: 'message', content: [{ type: 'text', text: '<severity>5</severity>' }], stop_reason: 'end_turn' });
    expect(kiroBody().conversationState.currentMessage.userInputMessage.content).toContain('You are a security monitor for autonomous AI coding agents.');
    expect(h.sim.stats.rejected).toBe(0);
  });

  it("serves Codex's first turn: namespace and web_search tools, store: false, encrypted reasoning asked for", async () => {
    const res = await responses(fixture('codex-0.171.0-first-turn.json'));

    expect(res.status).toBe(200);
    const declared = kiroBody().conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.map((tool) => tool.toolSpecification.name);
    expect(declared).toEqual(expect.arrayContaining(['exec_command', 'multi_agent_v1__spawn_agent', 'multi_agent_v1__close_agent']));
    // Its `{"type":"web_search","external_web_access":false}` is the gateway's search tool (run through Kiro's MCP endpoint).
    expect(declared?.filter((name) => name === 'web_search')).toStrictEqual(['web_search']);
    expect(h.sim.stats.rejected).toBe(0);
  });

  it("serves Codex's turn after a namespaced call: the function_call with its namespace in history", async () => {
    const res = await responses(fixture('codex-0.171.0-namespace-call.json'));

    expect(res.status).toBe(200);
    expect(kiroBody().conversationState.history?.flatMap((turn) => turn.assistantResponseMessage?.toolUses?.map((use) => use.name) ?? [])).toStrictEqual(['multi_agent_v1__close_agent']);
    expect(h.sim.stats.rejected).toBe(0);
  });
});
