import Anthropic from '@anthropic-ai/sdk';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { type Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * What makes Kiro's per-account prompt cache hit (kiro-protocol.md §9.6): one conversationId per
 * session (the account-affinity keys, §9.2), the same prompt prefix from turn to turn (Claude
 * Code's per-request `cch=` hash left out), and the client's `cache_control` marks passed as
 * Kiro `cachePoint`s on a model whose catalog offers caching. The simulator prices each turn by
 * its per-account prefix cache (reads at half price).
 */

/** Claude Code 2.1.332's own request (test/fixtures/client-requests): its system prompt, tools and metadata. */
const CLAUDE_CODE = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'client-requests', 'claude-code-2.1.332-tool-loop.json'), 'utf8')) as {
  system: Array<{ type: 'text'; text: string; cache_control?: unknown }>;
  tools: Anthropic.Tool[];
  metadata: { user_id: string };
};

type Usage = Anthropic.Usage & { credits_used?: number };

interface KiroBody {
  conversationState: { conversationId: string };
}

describe('prompt caching (e2e)', () => {
  let h: Harness;
  const chatBodies = (): KiroBody[] => h.sim.requests.filter((r) => r.path === '/generateAssistantResponse').map((r) => r.body as KiroBody);
  const ask = (session: string | undefined, content: string) => {
    const req = request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY);
    if (session) req.set('x-claude-code-session-id', session);
    return req.send({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content }] }).expect(200);
  };

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('sends every turn of one session with the same conversationId, and other sessions with others', async () => {
    await ask('session-a', 'first');
    await ask('session-a', 'second');
    await ask('session-b', 'first');

    const [a1, a2, b1] = chatBodies().map((body) => body.conversationState.conversationId);
    expect(a1).toBe(a2);
    expect(b1).not.toBe(a1);
    expect(a1).not.toContain('session-a');
  });

  it("gives a tenant's session its own conversationId", async () => {
    await ask('session-a', 'first');
    await request(h.url)
      .post('/v1/messages')
      .set('x-api-key', `${PROXY_KEY}:sim-refresh-token`)
      .set('x-claude-code-session-id', 'session-a')
      .send({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'first' }] })
      .expect(200);

    const [gateway, tenant] = chatBodies().map((body) => body.conversationState.conversationId);
    expect(tenant).not.toBe(gateway);
  });

  it('caches an OpenAI chat session too, with checkpoints placed by the gateway: the second turn reports cached_tokens', async () => {
    const system = `You are a careful assistant. ${'Follow the house style guide to the letter. '.repeat(120)}`;
    const client = h.openai();
    const headers = { headers: { 'x-session-id': 'chat-session-1' } };
    const first = await client.chat.completions.create({ model: 'claude-sonnet-4.6', messages: [{ role: 'system', content: system }, { role: 'user', content: 'One?' }] }, headers);
    const second = await client.chat.completions.create(
      {
        model: 'claude-sonnet-4.6',
        messages: [{ role: 'system', content: system }, { role: 'user', content: 'One?' }, { role: 'assistant', content: first.choices[0].message.content }, { role: 'user', content: 'Two?' }],
      },
      headers,
    );

    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(1024);
    expect((second.usage as { credits_used?: number }).credits_used).toBeLessThan((first.usage as { credits_used?: number }).credits_used!);
  });

  it('serves tool calls on a caching model, whose tools list ends with a checkpoint', async () => {
    const completion = await h.openai().chat.completions.create({
      model: 'claude-sonnet-4.6',
      messages: [{ role: 'user', content: '[sim:tool]' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    });

    expect(completion.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather', arguments: '{"city":"sim-city"}' } });
    expect(JSON.stringify(chatBodies()[0])).toContain('"cachePoint"');
  });

  describe('a Claude Code session', () => {
    let anthropic: Anthropic;
    beforeAll(() => {
      anthropic = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });
    });

    /**
     * One turn as Claude Code sends it: its system prompt, opened by a billing line whose `cch=`
     * hash is new on every request, its tools, the conversation so far with the `cache_control`
     * mark on the newest turn only, and its session header.
     */
    const turn = (session: string, messages: Anthropic.MessageParam[], cch: string) => {
      const marked = messages.map((message, i): Anthropic.MessageParam => {
        const blocks = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
        if (i !== messages.length - 1) return { role: message.role, content: blocks } as Anthropic.MessageParam;
        return { role: message.role, content: blocks.map((block, j) => (j === blocks.length - 1 ? { ...block, cache_control: { type: 'ephemeral' } } : block)) } as Anthropic.MessageParam;
      });
      const system = CLAUDE_CODE.system.map((block, i) => (i === 0 ? { ...block, text: `x-anthropic-billing-header: cc_version=2.1.332.aa1; cc_entrypoint=cli; cch=${cch};` } : block));
      return anthropic.messages.create(
        { model: 'claude-sonnet-4-6', max_tokens: 1024, system, tools: CLAUDE_CODE.tools, metadata: CLAUDE_CODE.metadata, messages: marked } as Anthropic.MessageCreateParamsNonStreaming,
        { headers: { 'x-claude-code-session-id': session } },
      );
    };

    /** Three turns of one session; the answers go back in history as Claude Code keeps them. */
    async function session(id: string): Promise<Usage[]> {
      const history: Anthropic.MessageParam[] = [];
      const usage: Usage[] = [];
      for (const [i, ask] of ['What does this repository do?', 'Which file starts it?', 'Summarise that file.'].entries()) {
        history.push({ role: 'user', content: ask });
        const answer = await turn(id, history, `${i}f3a${i}`);
        history.push({ role: 'assistant', content: answer.content as Anthropic.ContentBlockParam[] });
        usage.push(answer.usage as Usage);
      }
      return usage;
    }

    it("reports cache reads on later turns, and the third turn costs fewer credits than the same turn uncached", async () => {
      const [first, second, third] = await session('cc-session-1');
      // The same third turn in a session Kiro has never seen: nothing to read.
      const uncached = await (async () => {
        const history: Anthropic.MessageParam[] = [
          { role: 'user', content: 'What does this repository do?' },
          { role: 'assistant', content: 'It is a gateway.' },
          { role: 'user', content: 'Which file starts it?' },
          { role: 'assistant', content: 'src/main.ts.' },
          { role: 'user', content: 'Summarise that file.' },
        ];
        return (await turn('cc-session-3', history, 'ffff')).usage as Usage;
      })();

      expect(first.cache_read_input_tokens).toBe(0);
      expect(first.cache_creation_input_tokens).toBeGreaterThan(1024);
      expect(second.cache_read_input_tokens).toBeGreaterThanOrEqual(first.cache_creation_input_tokens!);
      expect(third.cache_read_input_tokens).toBeGreaterThan(second.cache_read_input_tokens!);
      expect(uncached.cache_read_input_tokens).toBe(0);
      // Reads at half price: the cached third turn costs well under the uncached one.
      expect(third.credits_used).toBeLessThan(uncached.credits_used! * 0.7);
    });

    it('streams message_start with 0 input tokens when the prompt went for caching: the final usage tells the uncached part', async () => {
      const res = await request(h.url)
        .post('/v1/messages')
        .set('x-api-key', PROXY_KEY)
        .set('x-claude-code-session-id', 'cc-session-6')
        .send({ model: 'claude-sonnet-4-6', max_tokens: 100, stream: true, system: CLAUDE_CODE.system, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] }] });

      const events = res.text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as { type: string; message?: { usage: Usage }; usage?: Usage });
      expect(events.find((event) => event.type === 'message_start')?.message?.usage).toStrictEqual({ input_tokens: 0, output_tokens: 0 });
      expect(events.find((event) => event.type === 'message_delta')?.usage).toMatchObject({ cache_creation_input_tokens: expect.any(Number), cache_read_input_tokens: 0 });
    });

    it('sends the prefix byte for byte the same on every turn, with cachePoints and one conversationId', async () => {
      await session('cc-session-4');

      const bodies = h.sim.requests.filter((r) => r.path === '/generateAssistantResponse').map((r) => r.body as KiroFullBody);
      const [one, two, three] = bodies;
      expect(new Set(bodies.map((body) => body.conversationState.conversationId)).size).toBe(1);
      expect(JSON.stringify(two.conversationState.history?.[0])).toBe(JSON.stringify(three.conversationState.history?.[0]));
      expect(two.conversationState.history?.[0].userInputMessage?.content).toBe(one.conversationState.currentMessage.userInputMessage.content);
      expect(JSON.stringify(one)).not.toContain('cch=');
      expect(three.conversationState.currentMessage.userInputMessage.cachePoint).toStrictEqual({ type: 'default' });
      expect(three.conversationState.history?.[0].userInputMessage?.cachePoint).toStrictEqual({ type: 'default' });
    });

    it('sends no cachePoint to a model without prompt caching, which reports no cache figures', async () => {
      const answer = await anthropic.messages.create(
        { model: 'claude-sonnet-4-5', max_tokens: 100, system: CLAUDE_CODE.system, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }] }] } as Anthropic.MessageCreateParamsNonStreaming,
        { headers: { 'x-claude-code-session-id': 'cc-session-5' } },
      );

      expect(JSON.stringify(chatBodies()[0])).not.toContain('cachePoint');
      expect(answer.usage.cache_read_input_tokens ?? null).toBeNull();
    });
  });
});

interface KiroFullBody {
  conversationState: {
    conversationId: string;
    currentMessage: { userInputMessage: { content: string; cachePoint?: unknown } };
    history?: Array<{ userInputMessage?: { content: string; cachePoint?: unknown } }>;
  };
}
