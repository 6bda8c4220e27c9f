import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import request from 'supertest';
import { DEFAULT_SIM_PROFILE_ARN, sampleResults, textEvents, textReply, toolCallReply } from './simulator';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';
import { metric } from './support/metrics';

/** Claude Code's WebSearch side request: only the server tool, the query in its prompt (kiro-protocol.md §9.7). */
const SIDE_QUERY = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'Perform a web search for the query: kiro gateway release notes' }],
  tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 8 }],
};
const ADMIN_KEY = 'admin-key-for-the-web-search-tests';
const WEATHER: Anthropic.Tool = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

interface KiroBody {
  conversationState: {
    currentMessage: { userInputMessage: { content: string; userInputMessageContext?: { tools?: Array<{ toolSpecification: { name: string } }>; toolResults?: Array<{ content: Array<{ text?: string }> }> } } };
    history?: Array<{ assistantResponseMessage?: { toolUses?: Array<{ name: string; input: unknown }> } }>;
  };
}
const chatBodies = (h: Harness) => h.sim.requests.filter((r) => r.path === '/generateAssistantResponse').map((r) => r.body as KiroBody);

describe('Web search (Kiro MCP, kiro-protocol.md §9.7)', () => {
  let h: Harness;
  let anthropic: Anthropic;
  let openai: OpenAI;

  beforeAll(async () => {
    h = await startHarness({ simulator: { accounts: [] } });
    anthropic = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });
    openai = h.openai();
  });
  beforeEach(() => h.sim.reset());
  afterAll(() => h.close());

  describe("Claude Code's WebSearch side query", () => {
    it('searches first, then the model answers from the results: server_tool_use, web_search_tool_result with tool_use_id, text, web_search_requests', async () => {
      const searchesBefore = await metric(h, 'kiro_gateway_web_searches_total');
      const message = await anthropic.messages.create(SIDE_QUERY);

      expect((await metric(h, 'kiro_gateway_web_searches_total')) - searchesBefore).toBe(1);
      expect(h.sim.searchQueries).toEqual(['kiro gateway release notes']);
      const [use, result, text] = message.content;
      expect(use).toEqual({ type: 'server_tool_use', id: expect.stringMatching(/^srvtoolu_/), name: 'web_search', input: { query: 'kiro gateway release notes' } });
      expect(result).toMatchObject({ type: 'web_search_tool_result', tool_use_id: (use as { id: string }).id });
      const hits = (result as unknown as { content: Array<Record<string, unknown>> }).content;
      expect(hits.map((hit) => [hit.type, hit.title, hit.url, hit.page_age])).toEqual(
        sampleResults('kiro gateway release notes').map((r, i) => ['web_search_result', r.title, r.url, `November ${i + 1}, 2026`]),
      );
      expect(hits[0].encrypted_content).toBe(`kgw1.${Buffer.from(sampleResults('kiro gateway release notes')[0].snippet).toString('base64url')}`);
      expect(text.type).toBe('text');
      // The simulator's model echoes the tool result it got: the hits reached Kiro.
      expect((text as { text: string }).text).toContain('Result 1 for kiro gateway release notes');
      expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1 });
      expect(message.stop_reason).toBe('end_turn');
      // Kiro got the search as the model's own call of the declared tool, and its answer.
      const [body] = chatBodies(h);
      expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.map((t) => t.toolSpecification.name)).toEqual(['web_search']);
      expect(body.conversationState.history?.at(-1)?.assistantResponseMessage?.toolUses).toEqual([expect.objectContaining({ name: 'web_search', input: { query: 'kiro gateway release notes' } })]);
    });

    it('streams the same blocks in the grammar of Anthropic\'s stream', async () => {
      const stream = anthropic.messages.stream(SIDE_QUERY);
      const starts: string[] = [];
      stream.on('streamEvent', (event) => {
        if (event.type === 'content_block_start') starts.push(event.content_block.type);
      });
      const message = await stream.finalMessage();

      expect(starts).toEqual(['server_tool_use', 'web_search_tool_result', 'text']);
      expect(message.content[0]).toMatchObject({ type: 'server_tool_use', input: { query: 'kiro gateway release notes' } });
      expect(message.content[1]).toMatchObject({ type: 'web_search_tool_result', tool_use_id: (message.content[0] as { id: string }).id });
      expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1 });
    });

    it('answers no results with an empty result block, not an error', async () => {
      h.sim.enqueueSearch({ kind: 'no-results' });
      const message = await anthropic.messages.create(SIDE_QUERY);

      expect(message.content[1]).toMatchObject({ type: 'web_search_tool_result', content: [] });
      expect((message.content[2] as { text: string }).text).toContain('found no results');
    });

    it('absorbs a throttled search: asked again, its results reach the answer', async () => {
      h.sim.reset();
      h.sim.enqueueSearch({ kind: 'throttled' });
      const res = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send(SIDE_QUERY);

      expect(res.status).toBe(200);
      expect(res.body.content.map((block: { type: string }) => block.type)).toContain('web_search_tool_result');
      expect(h.sim.requests.filter((r) => r.path === '/mcp').map((r) => r.status)).toEqual([429, 200]);
    });

    it('answers a 429 rate_limit_error once MCP throttling outlasts MAX_RETRIES, streamed or not', async () => {
      const throttledThroughout = () => h.sim.enqueueSearch(...Array.from({ length: h.config.retry.maxRetries + 1 }, () => ({ kind: 'throttled' as const })));
      throttledThroughout();
      const plain = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send(SIDE_QUERY);
      throttledThroughout();
      const streamed = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ ...SIDE_QUERY, stream: true });

      for (const res of [plain, streamed]) {
        expect(res.status).toBe(429);
        expect(res.body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
      }
      expect(h.sim.stats.chatRequests).toBe(0);
    });

    it('filters hits by allowed_domains', async () => {
      h.sim.enqueueSearch({
        kind: 'results',
        results: [
          { title: 'Docs', url: 'https://docs.kiro.dev/a', snippet: 'a' },
          { title: 'Elsewhere', url: 'https://example.org/b', snippet: 'b' },
        ],
      });
      const message = await anthropic.messages.create({ ...SIDE_QUERY, tools: [{ ...SIDE_QUERY.tools[0], allowed_domains: ['kiro.dev'] }] });

      expect((message.content[1] as { content: Array<{ url: string }> }).content.map((hit) => hit.url)).toEqual(['https://docs.kiro.dev/a']);
    });
  });

  describe('a search mid-turn (mixed tools)', () => {
    it('runs the search the model asks for and continues the turn with the results', async () => {
      h.sim.enqueue(toolCallReply('tooluse_search1', 'web_search', JSON.stringify({ query: 'weather in Paris' }), { leadingText: 'Let me look that up. ' }));
      const message = await anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
        tools: [WEATHER, { type: 'web_search_20250305', name: 'web_search' }],
      });

      expect(message.content.map((block) => block.type)).toEqual(['text', 'server_tool_use', 'web_search_tool_result', 'text']);
      expect(message.content[1]).toMatchObject({ id: 'srvtoolu_search1', input: { query: 'weather in Paris' } });
      expect(message.content[2]).toMatchObject({ tool_use_id: 'srvtoolu_search1' });
      expect((message.content[3] as { text: string }).text).toContain('Result 1 for weather in Paris');
      expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1 });
      expect(message.stop_reason).toBe('end_turn');
      const bodies = chatBodies(h);
      expect(bodies).toHaveLength(2);
      const names = bodies[0].conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.map((t) => t.toolSpecification.name);
      expect(names).toEqual(['get_weather', 'web_search']);
      expect(bodies[1].conversationState.currentMessage.userInputMessage.userInputMessageContext?.toolResults?.[0].content[0].text).toContain('Web search results for "weather in Paris"');
    });

    it('passes the client\'s own tool calls through and ends the turn for them', async () => {
      h.sim.enqueue(toolCallReply('tooluse_w', 'get_weather', JSON.stringify({ city: 'Paris' })));
      const message = await anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: [WEATHER, { type: 'web_search_20250305', name: 'web_search' }],
      });

      expect(message.content).toEqual([{ type: 'tool_use', id: 'tooluse_w', name: 'get_weather', input: { city: 'Paris' } }]);
      expect(message.stop_reason).toBe('tool_use');
      expect(message.usage.server_tool_use).toEqual({ web_search_requests: 0 });
      expect(h.sim.stats.searchRequests).toBe(0);
    });

    it.each([
      ['Anthropic tool_choice {type: "tool", name: "web_search"}', { type: 'tool', name: 'web_search' }],
      ['Anthropic tool_choice {type: "any"}', { type: 'any' }],
    ])('forces the search of the first round only, with %s: the next round may answer', async (_name, toolChoice) => {
      h.sim.enqueue(toolCallReply('tooluse_f1', 'web_search', JSON.stringify({ query: 'forced' })));
      const message = await anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'Search it' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        tool_choice: toolChoice as Anthropic.ToolChoice,
      });

      expect(message.content.map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'text']);
      const prompts = chatBodies(h).map((body) => JSON.stringify(body.conversationState).includes('You must call'));
      expect(prompts).toEqual([true, false]);
    });

    it('stops searching at max_uses: the extra search gets a max_uses_exceeded result and the model answers', async () => {
      h.sim.enqueue(
        toolCallReply('tooluse_s1', 'web_search', JSON.stringify({ query: 'one' })),
        toolCallReply('tooluse_s2', 'web_search', JSON.stringify({ query: 'two' })),
        textReply('Done with what I found.'),
      );
      const message = await anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'Search twice' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 1 }],
      });

      expect(message.content.map((block) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'server_tool_use', 'web_search_tool_result', 'text']);
      expect(message.content[3]).toMatchObject({ content: { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' } });
      expect(h.sim.searchQueries).toEqual(['one']);
      expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1 });
    });

    it('a turn whose mid-turn search stays throttled answers 429 rate_limit_error', async () => {
      h.sim.enqueue(toolCallReply('tooluse_s1', 'web_search', JSON.stringify({ query: 'q' })));
      h.sim.enqueueSearch(...Array.from({ length: h.config.retry.maxRetries + 1 }, () => ({ kind: 'throttled' as const })));
      const res = await request(h.url)
        .post('/v1/messages')
        .set('x-api-key', PROXY_KEY)
        .send({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'go' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] });

      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringMatching(/throttling/) } });
    });

    // After the first byte the status is 200: a transient failure is the overloaded_error Claude Code retries (anthropic-error.ts).
    it('a streamed turn whose mid-turn search stays throttled ends with the error event Claude Code retries', async () => {
      h.sim.enqueue(toolCallReply('tooluse_s1', 'web_search', JSON.stringify({ query: 'q' }), { leadingText: 'Searching. ' }));
      h.sim.enqueueSearch(...Array.from({ length: h.config.retry.maxRetries + 1 }, () => ({ kind: 'throttled' as const })));
      const res = await request(h.url)
        .post('/v1/messages')
        .set('x-api-key', PROXY_KEY)
        .send({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'go' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] });

      expect(res.status).toBe(200);
      const last = res.text.trim().split('\n\n').at(-1) ?? '';
      expect(last).toMatch(/^event: error\ndata: /);
      expect(JSON.parse(last.split('data: ')[1])).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: expect.stringMatching(/throttling/) } });
      expect(res.text).toContain('"type":"server_tool_use"');
    });
  });

  // One budget per response (README: STREAM_MAX_RESUMES, TOOL_CALL_RECOVERY), not one per search round.
  describe('Kiro failing in every round of a searching response', () => {
    let budgeted: Harness;
    const throttledFrame = { type: 'exception' as const, exceptionType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };
    const WRITE: Anthropic.Tool = { name: 'Write', description: 'Write a file', input_schema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] } };
    const cutWrite = (leading: string) => ({
      kind: 'stream' as const,
      events: [
        ...textEvents(leading),
        { type: 'toolUse' as const, toolUseId: 'tooluse_cut', name: 'Write' },
        { type: 'toolUse' as const, toolUseId: 'tooluse_cut', name: 'Write', input: '{"path":"b.txt","content":"BBBB' },
      ],
    });
    const searching = (body: Record<string, unknown>) =>
      request(budgeted.url)
        .post('/v1/messages')
        .set('x-api-key', PROXY_KEY)
        .send({ model: 'claude-sonnet-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'go' }], ...body });

    beforeAll(async () => {
      budgeted = await startHarness({ simulator: { accounts: [] }, env: { FAKE_REASONING: 'false', MAX_RETRIES: '1', STREAM_MAX_RESUMES: '1', BASE_RETRY_DELAY: '0.01' } });
    });
    afterAll(() => budgeted.close());
    beforeEach(() => budgeted.sim.reset());

    it('asks Kiro again at most MAX_RETRIES + STREAM_MAX_RESUMES times in the whole response, then ends with the error', async () => {
      budgeted.sim.enqueue(
        // Round 1: cut mid-answer, resumed (the one resume); the continuation asks for a search.
        { kind: 'stream', events: [...textEvents('Searching for it. '), throttledFrame] },
        toolCallReply('tooluse_s1', 'web_search', JSON.stringify({ query: 'q1' })),
        // Round 2: fails before content (the one retry), then mid-answer: nothing left to resume with.
        { kind: 'stream', events: [throttledFrame] },
        { kind: 'stream', events: [...textEvents('From what I found, '), throttledFrame] },
        // Only a budget per round would get this far.
        textReply('the answer.'),
      );

      const res = await searching({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] });

      expect(res.status).toBe(200);
      expect(budgeted.sim.stats.chatRequests).toBe(2 + 1 + 1);
      const last = res.text.trim().split('\n\n').at(-1) ?? '';
      expect(last).toMatch(/^event: error\ndata: /);
      expect(res.text).not.toContain('the answer.');
    });

    it('asks again for a cut-off tool call once in the whole response, not once per round', async () => {
      budgeted.sim.enqueue(
        // Round 1: a cut Write; asked again for it, the model searches first.
        cutWrite('Writing it. '),
        toolCallReply('tooluse_s1', 'web_search', JSON.stringify({ query: 'q1' })),
        // Round 2: cut again; the recovery was spent, so the turn ends as cut short.
        cutWrite('Writing it now. '),
        toolCallReply('tooluse_small', 'Write', JSON.stringify({ path: 'b.txt', content: 'BB' })),
      );

      const res = await searching({ tools: [WRITE, { type: 'web_search_20250305', name: 'web_search' }] });

      expect(res.status).toBe(200);
      expect(budgeted.sim.stats.chatRequests).toBe(3);
      const events = parseSse(res.text) as Array<Record<string, unknown>>;
      expect(events.map((e) => e.type)).not.toContain('error');
      expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    });
  });

  describe('an account that cannot search', () => {
    let noSearch: Harness;
    beforeAll(async () => {
      noSearch = await startHarness({ simulator: { accounts: [{ name: 'free', webSearch: false, profileArn: DEFAULT_SIM_PROFILE_ARN }] }, env: { REFRESH_TOKEN: 'free-refresh-token' } });
    });
    afterAll(() => noSearch.close());

    it('gets a clear 403 permission_error naming the plan', async () => {
      const res = await request(noSearch.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send(SIDE_QUERY);

      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ type: 'error', error: { type: 'permission_error', message: expect.stringMatching(/refused web search for this account/) } });
    });
  });

  describe('a pool with one account whose plan has no web search', () => {
    let pool: Harness;
    beforeAll(async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'kiro-accounts-')), 'accounts.json');
      writeFileSync(file, JSON.stringify({ accounts: [{ name: 'free', refreshToken: 'free-refresh-token' }, { name: 'pro', refreshToken: 'pro-refresh-token' }] }), { mode: 0o600 });
      pool = await startHarness({
        simulator: { accounts: [{ name: 'free', webSearch: false }, { name: 'pro' }] },
        env: { KIRO_ACCOUNTS_FILE: file, REFRESH_TOKEN: '', ACCOUNT_STRATEGY: 'round_robin', ADMIN_API_KEY: ADMIN_KEY },
      });
    });
    afterAll(() => pool.close());

    it('searches on the account that can, and leaves the other healthy for chats', async () => {
      for (let i = 0; i < 3; i++) {
        const res = await request(pool.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send(SIDE_QUERY);
        expect(res.status).toBe(200);
      }

      expect(pool.sim.requests.filter((r) => r.path === '/mcp' && r.status === 200).map((r) => r.account)).toStrictEqual(['pro', 'pro', 'pro']);
      const accounts = await request(pool.url).get('/admin/api/accounts').set('authorization', `Bearer ${ADMIN_KEY}`);
      expect(Object.fromEntries((accounts.body.data as Array<{ name: string; state: { kind: string } }>).map((a) => [a.name, a.state.kind]))).toStrictEqual({ free: 'healthy', pro: 'healthy' });
    });

    it('hands a search the model asks for mid-turn to the account that can search, counting each search once', async () => {
      pool.sim.reset();
      const searchesBefore = await metric(pool, 'kiro_gateway_web_searches_total');
      // Four conversations (four affinity keys): round robin serves some of them on "free", whose search is refused there.
      for (let i = 0; i < 4; i++) {
        pool.sim.enqueue(toolCallReply(`tooluse_m${i}`, 'web_search', JSON.stringify({ query: `mid ${i}` })));
        const res = await request(pool.url)
          .post('/v1/messages')
          .set('x-api-key', PROXY_KEY)
          .send({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: `look up ${i}` }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] });
        expect(res.status).toBe(200);
        expect(res.body.content.map((block: { type: string }) => block.type)).toEqual(['server_tool_use', 'web_search_tool_result', 'text']);
      }

      const searches = pool.sim.requests.filter((r) => r.path === '/mcp').map((r) => `${r.account}:${r.status}`);
      expect(searches).toContain('free:403');
      expect(searches.filter((s) => s.endsWith(':200'))).toStrictEqual(['pro:200', 'pro:200', 'pro:200', 'pro:200']);
      expect((await metric(pool, 'kiro_gateway_web_searches_total')) - searchesBefore).toBe(4);
    });
  });

  describe('Responses web_search (Codex)', () => {
    it('runs a search the model asks for as a web_search_call item, then the answer', async () => {
      h.sim.enqueue(toolCallReply('tooluse_r1', 'web_search', JSON.stringify({ query: 'codex cli' })));
      const response = await openai.responses.create({
        model: 'claude-sonnet-4-5',
        input: 'Find the Codex CLI docs',
        tools: [{ type: 'web_search', external_web_access: false } as unknown as OpenAI.Responses.Tool],
      });

      // (The simulator's model thinks natively before answering: a reasoning item may come between.)
      expect(response.output.map((item) => item.type).filter((type) => type !== 'reasoning')).toEqual(['web_search_call', 'message']);
      expect(response.output[0]).toMatchObject({ type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'codex cli', sources: sampleResults('codex cli').map((r) => ({ type: 'url', url: r.url })) } });
      expect(response.output_text).toContain('Result 1 for codex cli');
      expect(h.sim.searchQueries).toEqual(['codex cli']);
    });

    it('streams the web_search_call events in OpenAI\'s order', async () => {
      h.sim.enqueue(toolCallReply('tooluse_r2', 'web_search', JSON.stringify({ query: 'codex cli' })));
      const stream = await openai.responses.create({
        model: 'claude-sonnet-4-5',
        input: 'Find the Codex CLI docs',
        stream: true,
        tools: [{ type: 'web_search' } as unknown as OpenAI.Responses.Tool],
      });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);

      const search = types.filter((type) => type.startsWith('response.web_search_call.'));
      expect(search).toEqual(['response.web_search_call.in_progress', 'response.web_search_call.searching', 'response.web_search_call.completed']);
      expect(types.at(-1)).toBe('response.completed');
    });

    it('forces the search of the first round only, with tool_choice "required"', async () => {
      h.sim.enqueue(toolCallReply('tooluse_r3', 'web_search', JSON.stringify({ query: 'codex cli' })));
      const response = await openai.responses.create({
        model: 'claude-sonnet-4-5',
        input: 'Find the Codex CLI docs',
        tools: [{ type: 'web_search' } as unknown as OpenAI.Responses.Tool],
        tool_choice: 'required',
      });

      expect(response.status).toBe('completed');
      expect(response.output_text).toContain('Result 1 for codex cli');
      expect(chatBodies(h).map((body) => JSON.stringify(body.conversationState).includes('You must call'))).toEqual([true, false]);
    });

    it('takes an earlier web_search_call item back as input', async () => {
      const response = await openai.responses.create({
        model: 'claude-sonnet-4-5',
        input: [
          { role: 'user', content: 'Find it' },
          { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'codex cli' } } as unknown as OpenAI.Responses.ResponseInputItem,
          { role: 'assistant', content: 'Found it.' },
          { role: 'user', content: 'Thanks' },
        ],
        tools: [{ type: 'web_search' } as unknown as OpenAI.Responses.Tool],
      });

      expect(response.status).toBe('completed');
      const history = JSON.stringify(chatBodies(h)[0].conversationState.history);
      expect(history).toContain('[Searched the web for \\"codex cli\\"]');
    });
  });
});
