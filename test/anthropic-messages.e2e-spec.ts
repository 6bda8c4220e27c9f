import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { contextTooLong, serverError, suspended, textReply, throttled, toolCallEvents, type Scenario } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const MIXED_TEXT = 'Hello, 世界! Emoji 🎉👩‍💻 and CJK 我将为您创建一个高级天气展示卡片 — done.';
const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const TIME: Anthropic.Tool = { name: 'get_time', description: 'Current time in a zone.', input_schema: { type: 'object', properties: { zone: { type: 'string' } } } };

interface KiroBody {
  conversationState: {
    currentMessage: { userInputMessage: { content: string; modelId: string; images?: unknown[]; userInputMessageContext?: { tools?: Array<{ toolSpecification: { name: string } }>; toolResults?: unknown[] } } };
    history?: Array<Record<string, { content: string; images?: unknown[]; toolUses?: unknown[] }>>;
  };
}

/** Parses Anthropic SSE: each block's `event:` name and its `data:` JSON. */
function parseAnthropicSse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '';
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '{}') as Record<string, unknown>;
      return { event, data };
    });
}

/** Checks Anthropic's stream grammar; returns the block types in order. */
function checkGrammar(events: Array<{ event: string; data: Record<string, unknown> }>): string[] {
  expect(events.every((e) => e.event === e.data.type)).toBe(true);
  expect(events[0].event).toBe('message_start');
  expect(events[events.length - 1].event).toBe('message_stop');
  expect(events[events.length - 2].event).toBe('message_delta');
  const blocks: string[] = [];
  let open: number | undefined;
  for (const { event, data } of events) {
    if (event === 'content_block_start') {
      expect(open).toBeUndefined();
      expect(data.index).toBe(blocks.length);
      open = data.index as number;
      blocks.push((data.content_block as { type: string }).type);
    } else if (event === 'content_block_delta') {
      expect(data.index).toBe(open);
    } else if (event === 'content_block_stop') {
      expect(data.index).toBe(open);
      open = undefined;
    }
  }
  expect(open).toBeUndefined();
  return blocks;
}

describe('POST /v1/messages (e2e, @anthropic-ai/sdk)', () => {
  let h: Harness;
  let client: Anthropic;

  beforeAll(async () => {
    h = await startHarness({ env: { MAX_RETRIES: '1', BASE_RETRY_DELAY: '0.01' } });
    client = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  const accepted = (): KiroBody[] => h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && r.status === 200).map((r) => r.body as KiroBody);

  describe('text', () => {
    it('answers non-stream in the message shape, echoing the dated model name', async () => {
      h.sim.enqueue(textReply('Hi there!', { contextUsagePercentage: 1 }));

      const message = await client.messages.create({ model: 'claude-sonnet-4-5-20250929', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] });

      expect(message).toMatchObject({
        id: expect.stringMatching(/^msg_/),
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [{ type: 'text', text: 'Hi there!' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        // The local count of "Hello": Kiro's context percentage (1 %) is not usage.
        usage: { input_tokens: 1, output_tokens: 3 },
      });
      expect(accepted()[0].conversationState.currentMessage.userInputMessage.modelId).toBe('claude-sonnet-4.5');
    });

    it.each([
      ['one code point per frame, 3-byte writes', 1, { everyBytes: 3 }],
      ['two code points per frame, 1-byte writes', 2, { everyBytes: 1 }],
    ])('gives the same text stream and non-stream with CJK and emoji split (%s)', async (_label, chunkChars, split) => {
      const scenario = { ...textReply(MIXED_TEXT, { chunkChars }), split };
      h.sim.enqueue(scenario, scenario);

      const whole = await client.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] });
      const stream = client.messages.stream({ model: 'claude-haiku-4-5-20251001', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] });
      const final = await stream.finalMessage();

      expect(whole.content).toEqual([{ type: 'text', text: MIXED_TEXT }]);
      expect(final.content).toEqual([{ type: 'text', text: MIXED_TEXT }]);
      expect(final.stop_reason).toBe('end_turn');
    });

    it('streams the exact event grammar with event lines, and a request-id header', async () => {
      h.sim.enqueue({ ...textReply('Hey you', { chunkChars: 4 }), frameDelayMs: 20 });

      const res = await request(h.url)
        .post('/v1/messages?beta=true')
        .set('x-api-key', PROXY_KEY)
        .set('anthropic-version', '2023-06-01')
        .send({ model: 'claude-sonnet-4-5', max_tokens: 64000, stream: true, messages: [{ role: 'user', content: 'hi' }] });

      const events = parseAnthropicSse(res.text);
      expect(res.status).toBe(200);
      expect(res.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(checkGrammar(events)).toEqual(['text']);
      expect(events.map((e) => e.event)).toEqual([
        'message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
      ]);
      expect(events[3].data).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hey ' } });
      expect(events[6].data).toMatchObject({ delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } });
    });
  });

  describe('tools', () => {
    it('returns one tool_use block non-stream with stop_reason tool_use', async () => {
      h.sim.enqueue({ kind: 'stream', events: toolCallEvents('tooluse_w1', 'get_weather', '{"city":"Paris"}', 3) });

      const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Paris?' }], tools: [WEATHER] });

      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toEqual([{ type: 'tool_use', id: 'tooluse_w1', name: 'get_weather', input: { city: 'Paris' } }]);
    });

    it('streams two parallel tool calls as two blocks whose input_json_delta pieces join to valid JSON', async () => {
      h.sim.enqueue({
        kind: 'stream',
        events: [{ type: 'text', content: 'Checking both.' }, ...toolCallEvents('tooluse_w1', 'get_weather', '{"city":"Paris"}', 3), ...toolCallEvents('tooluse_t1', 'get_time', '{"zone":"CET"}', 2)],
      });

      const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'both?' }], tools: [WEATHER, TIME] });
      const final = await stream.finalMessage();

      expect(final.content).toEqual([
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', id: 'tooluse_w1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'tooluse_t1', name: 'get_time', input: { zone: 'CET' } },
      ]);
      expect(final.stop_reason).toBe('tool_use');
    });

    it('keeps the grammar when Kiro interleaves two tool calls', async () => {
      const a = toolCallEvents('tooluse_a', 'get_weather', '{"city":"Oslo"}', 2);
      const b = toolCallEvents('tooluse_b', 'get_time', '{"zone":"UTC"}', 2);
      h.sim.enqueue({ kind: 'stream', events: [a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3]] });

      const res = await request(h.url)
        .post('/v1/messages')
        .set('Authorization', `Bearer ${PROXY_KEY}`)
        .send({ model: 'auto', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'x' }], tools: [WEATHER, TIME] });

      const events = parseAnthropicSse(res.text);
      expect(checkGrammar(events)).toEqual(['tool_use', 'tool_use']);
      const inputs = [0, 1].map((index) =>
        events
          .filter((e) => e.event === 'content_block_delta' && e.data.index === index)
          .map((e) => (e.data.delta as { partial_json: string }).partial_json)
          .join(''),
      );
      expect(inputs.map((json) => JSON.parse(json))).toEqual([{ city: 'Oslo' }, { zone: 'UTC' }]);
    });

    it('runs a tool_result round trip with is_error and an image', async () => {
      h.sim.enqueue(textReply('The screenshot shows an error.'));

      const message = await client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        tools: [WEATHER],
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_1',
                is_error: true,
                content: [{ type: 'text', text: 'Service down' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }],
              },
            ],
          },
        ],
      });

      expect(message.content).toEqual([{ type: 'text', text: 'The screenshot shows an error.' }]);
      const current = accepted()[0].conversationState.currentMessage.userInputMessage;
      expect(current.userInputMessageContext?.toolResults).toEqual([{ toolUseId: 'toolu_1', status: 'error', content: [{ text: 'Service down' }] }]);
      expect(current.images).toEqual([{ format: 'png', source: { bytes: PNG } }]);
    });

    it('leaves out server tools Kiro cannot run, and declares the web search the gateway runs', async () => {
      h.sim.enqueue(textReply('ok'));

      await client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'search' }],
        tools: [WEATHER, { type: 'web_search_20250305', name: 'web_search', max_uses: 3 } as unknown as Anthropic.Tool, { type: 'code_execution_20250522', name: 'code_execution' } as unknown as Anthropic.Tool],
      });

      const tools = accepted()[0].conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools ?? [];
      expect(tools.map((t) => t.toolSpecification.name)).toEqual(['get_weather', 'web_search']);
    });
  });

  describe('images and thinking', () => {
    it('sends a base64 image on the current message', async () => {
      h.sim.enqueue(textReply('a pixel'));

      await client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }, { type: 'text', text: 'What is it?' }] }],
      });

      expect(accepted()[0].conversationState.currentMessage.userInputMessage.images).toEqual([{ format: 'png', source: { bytes: PNG } }]);
    });

    it('refuses a URL image source with a clear 400', async () => {
      const attempt = client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }] }],
      });

      await expect(attempt).rejects.toBeInstanceOf(Anthropic.BadRequestError);
      await expect(attempt).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
    });

    it('turns thinking on with budget_tokens and returns a thinking block before the text (tag-based, on a model without native reasoning)', async () => {
      h.sim.enqueue(textReply('<thinking>Weighing it.</thinking>\n\nForty-two.', { chunkChars: 3 }));

      const stream = client.messages.stream({
        model: 'claude-opus-4-5',
        max_tokens: 32000,
        thinking: { type: 'enabled', budget_tokens: 5000 },
        messages: [{ role: 'user', content: 'Why?' }],
      });
      const final = await stream.finalMessage();

      expect(final.content).toEqual([
        { type: 'thinking', thinking: 'Weighing it.', signature: '' },
        { type: 'text', text: 'Forty-two.' },
      ]);
      expect(accepted()[0].conversationState.currentMessage.userInputMessage.content).toContain('<max_thinking_length>5000</max_thinking_length>');
    });

    it('maps adaptive thinking effort to a budget, and leaves thinking off when not asked', async () => {
      h.sim.enqueue(textReply('a'), textReply('b'));

      await client.messages.create({ model: 'auto', max_tokens: 10, thinking: { type: 'adaptive' } as never, output_config: { effort: 'high' } as never, messages: [{ role: 'user', content: 'q1' }] } as never);
      await client.messages.create({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'q2' }] });

      const [first, second] = accepted().map((b) => b.conversationState.currentMessage.userInputMessage.content);
      expect(first).toContain('<max_thinking_length>16000</max_thinking_length>');
      expect(second).toBe('q2');
    });

    it('does not forward thinking blocks sent back in history', async () => {
      h.sim.enqueue(textReply('ok'));

      await client.messages.create({
        model: 'auto',
        max_tokens: 10,
        messages: [
          { role: 'user', content: 'q1' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'SECRET-REASONING', signature: 'sig' }, { type: 'text', text: 'a1' }] },
          { role: 'user', content: 'q2' },
        ],
      });

      expect(JSON.stringify(accepted()[0])).not.toContain('SECRET-REASONING');
      expect(accepted()[0].conversationState.history?.[1].assistantResponseMessage.content).toBe('a1');
    });
  });

  describe('stop sequences', () => {
    it('ends the answer at a stop sequence, stream and non-stream, and stops reading Kiro', async () => {
      const scenario = { ...textReply('First part. ###END### never shown', { chunkChars: 3 }), frameDelayMs: 5 };
      h.sim.enqueue(scenario, scenario);

      const whole = await client.messages.create({ model: 'auto', max_tokens: 100, stop_sequences: ['###END###'], messages: [{ role: 'user', content: 'x' }] });
      const final = await client.messages.stream({ model: 'auto', max_tokens: 100, stop_sequences: ['###END###'], messages: [{ role: 'user', content: 'x' }] }).finalMessage();

      for (const message of [whole, final]) {
        expect(message.content).toEqual([{ type: 'text', text: 'First part. ' }]);
        expect(message.stop_reason).toBe('stop_sequence');
        expect(message.stop_sequence).toBe('###END###');
      }
      await h.sim.waitFor((sim) => sim.stats.aborts === 2);
    });
  });

  describe('count_tokens and models', () => {
    it('counts tokens locally without calling Kiro', async () => {
      const small = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello' }] });
      const larger = await client.messages.countTokens({
        model: 'claude-sonnet-4-5',
        system: 'You are a helpful assistant with a long system prompt.',
        tools: [WEATHER],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }],
      });

      expect(small).toEqual({ input_tokens: 1 });
      expect(larger.input_tokens).toBeGreaterThan(small.input_tokens + 20);
      expect(h.sim.stats.chatRequests).toBe(0);
    });

    it('lists models in Anthropic\'s shape for an Anthropic client', async () => {
      const page = await client.models.list();
      const first = page.data[0];

      expect(first).toEqual({ type: 'model', id: expect.any(String), display_name: expect.any(String), created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect(page.data.map((m) => m.id)).toContain('claude-sonnet-4.5');
    });
  });

  describe('errors in Anthropic\'s shape', () => {
    it('401 authentication_error for a wrong key', async () => {
      const attempt = new Anthropic({ apiKey: 'wrong', baseURL: h.url, maxRetries: 0 }).messages.create({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });

      await expect(attempt).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
      await expect(attempt).rejects.toMatchObject({ error: { type: 'error', error: { type: 'authentication_error' } } });
    });

    it('400 invalid_request_error for messages that are all system entries, without calling Kiro', async () => {
      const res = await request(h.url)
        .post('/v1/messages')
        .set('x-api-key', PROXY_KEY)
        .send({ model: 'auto', max_tokens: 10, messages: [{ role: 'system', content: 'Be brief.' }] });

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('at least one user or assistant message') } });
      expect(h.sim.stats.chatRequests).toBe(0);
    });

    it('400 invalid_request_error naming a malformed block, and for malformed JSON', async () => {
      const block = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: 42 }] }] });
      const json = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).set('Content-Type', 'application/json').send('{"model":');
      const missing = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ model: 'auto', messages: [{ role: 'user', content: 'x' }] });

      expect(block.status).toBe(400);
      expect(block.body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('messages.0.content.0.text') } });
      expect(json.status).toBe(400);
      expect(json.body.type).toBe('error');
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('max_tokens');
    });

    it('403 permission_error for a suspended account', async () => {
      h.sim.enqueue(suspended());

      await expect(client.messages.create({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
        status: 403,
        error: { error: { type: 'permission_error' } },
      });
    });

    it('404 not_found_error for a model Kiro does not know', async () => {
      await expect(client.messages.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
        status: 404,
        error: { error: { type: 'not_found_error' } },
      });
    });

    it('429 rate_limit_error with retry-after when throttling persists', async () => {
      h.sim.enqueue({ ...throttled(), headers: { 'retry-after': '90' } });

      const res = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });

      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('90');
      expect(res.body.error.type).toBe('rate_limit_error');
    });

    it('502 api_error after persistent upstream 5xx', async () => {
      h.sim.enqueue(serverError(), serverError());

      await expect(client.messages.create({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
        status: 502,
        error: { error: { type: 'api_error' } },
      });
    });

    it('400 whose message says "prompt is too long" on context overflow', async () => {
      h.sim.enqueue(contextTooLong());

      const attempt = client.messages.create({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });

      await expect(attempt).rejects.toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error', message: expect.stringContaining('prompt is too long') } } });
    });

    it('ends a stream that still fails after its resumes with overloaded_error and no message_stop, which the SDK raises', async () => {
      // The first call and both resumes (STREAM_MAX_RESUMES) fail the same way.
      const failing: Scenario = {
        kind: 'stream',
        events: [{ type: 'text', content: 'Partial ' }, { type: 'exception', exceptionType: 'InternalServerException', message: 'boom' }],
      };
      h.sim.enqueue(failing, failing, failing);

      const res = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ model: 'auto', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] });
      h.sim.enqueue(failing, failing, failing);
      const stream = client.messages.stream({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });

      const events = parseAnthropicSse(res.text);
      expect(events[events.length - 1]).toEqual({
        event: 'error',
        data: { type: 'error', error: { type: 'overloaded_error', message: 'Kiro failed mid-stream: InternalServerException: boom' } },
      });
      // The text went out once: the resumes' restated "Partial " was dropped.
      expect(events.filter((e) => e.event === 'content_block_delta').map((e) => (e.data as { delta: { text: string } }).delta.text)).toEqual(['Partial ']);
      expect(events.map((e) => e.event)).not.toContain('message_stop');
      await expect(stream.finalMessage()).rejects.toThrow(/boom/);
    });
  });

  it('accepts a Claude-Code-sized turn in the strict simulator', async () => {
    const tools: Anthropic.Tool[] = Array.from({ length: 150 }, (_, i) => ({
      name: i % 10 === 0 ? `mcp__server_${i}__a_tool_with_a_rather_long_name_${i}_that_goes_on_well_past_kiro_limits` : `Tool${i}`,
      description: `Tool number ${i}. ${'Detailed usage notes. '.repeat(i === 7 ? 600 : 40)}`,
      input_schema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path'] },
    }));
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: '<system-reminder>context</system-reminder>' }, { type: 'text', text: 'Refactor the project.' }] }];
    for (let turn = 0; turn < 20; turn++) {
      messages.push({ role: 'assistant', content: [{ type: 'text', text: `Step ${turn}.` }, { type: 'tool_use', id: `toolu_${turn}`, name: `Tool${turn + 1}`, input: { path: `src/file${turn}.ts` } }] });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${turn}`, content: `contents of file ${turn}\n`.repeat(20) }] });
    }
    h.sim.enqueue(textReply('Done refactoring.'));

    // Claude Code streams; the SDK refuses a non-stream call this large anyway.
    const message = await client.messages
      .stream({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 32000,
      system: [{ type: 'text', text: 'You are Claude Code. '.repeat(800), cache_control: { type: 'ephemeral' } }],
      tools,
      messages,
      metadata: { user_id: 'user_abc_account_def_session_ghi' },
    })
      .finalMessage();

    expect(message.content).toEqual([{ type: 'text', text: 'Done refactoring.' }]);
    expect(h.sim.stats.rejected).toBe(0);
  });
});

describe('one core for both front ends (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());

  it('sends byte-identical Kiro bodies for the same conversation from OpenAI and Anthropic clients', async () => {
    h.sim.enqueue(textReply('a'), textReply('b'));

    await h.openai().chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: WEATHER.description, parameters: WEATHER.input_schema as Record<string, unknown> } }],
    });
    await new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 }).messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'Sunny' }] },
      ],
      tools: [WEATHER],
    });

    const bodies = h.sim.requests
      .filter((r) => r.path === '/generateAssistantResponse')
      .map((r) => JSON.stringify({ ...(r.body as object), conversationState: { ...(r.body as KiroBody).conversationState, conversationId: 'fixed' } }));
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);
  });
});
