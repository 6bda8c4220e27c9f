import type OpenAI from 'openai';
import request from 'supertest';
import { textReply, toolCallEvents, type SimEvent } from './simulator';
import { Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type Tool = OpenAI.Chat.Completions.ChatCompletionTool;

const WEATHER: Tool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const TIME: Tool = {
  type: 'function',
  function: { name: 'get_time', description: '', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: null } as never },
};
const LONG_NAME = 'mcp__a_very_long_server_name__and_an_even_longer_tool_name_that_exceeds_kiro_limits';
const LONG_TOOL: Tool = { type: 'function', function: { name: LONG_NAME, description: 'Long-named tool.', parameters: { type: 'object', properties: {} } } };

/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

interface KiroBody {
  conversationState: {
    currentMessage: { userInputMessage: KiroUser };
    history?: Array<{ userInputMessage?: KiroUser; assistantResponseMessage?: { content: string; toolUses?: Array<{ toolUseId: string; name: string; input: unknown }> } }>;
  };
}
interface KiroUser {
  content: string;
  modelId: string;
  images?: Array<{ format: string; source: { bytes: string } }>;
  userInputMessageContext?: { tools?: Array<{ toolSpecification: { name: string; description: string } }>; toolResults?: Array<{ toolUseId: string; status: string }> };
}

describe('OpenAI ⇄ Kiro conversion through the strict simulator (e2e)', () => {
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
    client = h.openai();
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  /** The Kiro bodies the simulator accepted, in order. */
  const accepted = (): KiroBody[] =>
    h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && r.status === 200).map((r) => r.body as KiroBody);

  function twoCalls(): SimEvent[] {
    return [
      ...toolCallEvents('tooluse_w1', 'get_weather', '{"city":"Paris"}', 3),
      ...toolCallEvents('tooluse_t1', 'get_time', '{"zone":"CET"}', 2),
    ];
  }

  describe('tool calls', () => {
    it('returns one tool call, non-stream, with finish_reason tool_calls', async () => {
      h.sim.enqueue({ kind: 'stream', events: toolCallEvents('tooluse_w1', 'get_weather', '{"city":"Paris"}', 4) });

      const completion = await client.chat.completions.create({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER] });

      expect(completion.choices[0]).toMatchObject({
        finish_reason: 'tool_calls',
        message: { role: 'assistant', content: null, tool_calls: [{ id: 'tooluse_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      });
      expect(accepted()[0].conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.map((t) => t.toolSpecification.name)).toEqual(['get_weather']);
    });

    it('streams two parallel tool calls with stable indexes, id and name first', async () => {
      h.sim.enqueue({ kind: 'stream', events: twoCalls() });

      const stream = await client.chat.completions.create({
        model: 'claude-sonnet-4.5',
        messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
        tools: [WEATHER, TIME],
        stream: true,
      });
      const calls: Array<{ id?: string; name?: string; args: string }> = [];
      let finish: string | null = null;
      for await (const chunk of stream) {
        for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
          calls[delta.index] ??= { args: '' };
          if (delta.id) {
            expect(calls[delta.index].args).toBe('');
            calls[delta.index].id = delta.id;
            calls[delta.index].name = delta.function?.name;
          }
          calls[delta.index].args += delta.function?.arguments ?? '';
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }

      expect(calls).toEqual([
        { id: 'tooluse_w1', name: 'get_weather', args: '{"city":"Paris"}' },
        { id: 'tooluse_t1', name: 'get_time', args: '{"zone":"CET"}' },
      ]);
      expect(finish).toBe('tool_calls');
    });

    it('runs a full round trip of two parallel calls and their results', async () => {
      h.sim.enqueue({ kind: 'stream', events: twoCalls() }, textReply('Sunny, 14:00.'));
      const messages: Message[] = [{ role: 'user', content: 'Weather and time in Paris?' }];

      const first = await client.chat.completions.create({ model: 'claude-sonnet-4.5', messages, tools: [WEATHER, TIME] });
      const assistant = first.choices[0].message;
      messages.push(assistant, ...(assistant.tool_calls ?? []).map((call) => ({ role: 'tool' as const, tool_call_id: call.id, content: `result of ${call.id}` })));
      const second = await client.chat.completions.create({ model: 'claude-sonnet-4.5', messages, tools: [WEATHER, TIME] });

      expect(second.choices[0].message.content).toBe('Sunny, 14:00.');
      const body = accepted()[1].conversationState;
      expect(body.history?.[1].assistantResponseMessage?.toolUses).toEqual([
        { toolUseId: 'tooluse_w1', name: 'get_weather', input: { city: 'Paris' } },
        { toolUseId: 'tooluse_t1', name: 'get_time', input: { zone: 'CET' } },
      ]);
      expect(body.currentMessage.userInputMessage.userInputMessageContext?.toolResults).toEqual([
        { toolUseId: 'tooluse_w1', status: 'success', content: [{ text: 'result of tooluse_w1' }] },
        { toolUseId: 'tooluse_t1', status: 'success', content: [{ text: 'result of tooluse_t1' }] },
      ]);
    });

    it('restores a shortened tool name in stream and non-stream replies', async () => {
      const kiroName = (await (async () => {
        h.sim.enqueue(textReply('ok'));
        await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], tools: [LONG_TOOL] });
        return accepted()[0].conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.[0].toolSpecification.name;
      })()) as string;
      expect(kiroName.length).toBeLessThanOrEqual(64);
      h.sim.enqueue({ kind: 'stream', events: toolCallEvents('tooluse_L', kiroName, '{}', 1) }, { kind: 'stream', events: toolCallEvents('tooluse_L2', kiroName, '{}', 1) });

      const whole = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'go' }], tools: [LONG_TOOL] });
      const stream = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'go' }], tools: [LONG_TOOL], stream: true });
      const streamedNames: string[] = [];
      for await (const chunk of stream) for (const d of chunk.choices[0]?.delta.tool_calls ?? []) if (d.function?.name) streamedNames.push(d.function.name);

      expect(whole.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: LONG_NAME } });
      expect(streamedNames).toEqual([LONG_NAME]);
    });

    it('turns a tool call the model wrote as text into a real call, in a stream', async () => {
      h.sim.enqueue(textReply('Checking. [Called get_weather with args: {"city": "Oslo"}]', { chunkChars: 3 }));

      const res = await request(h.url)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${PROXY_KEY}`)
        .send({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'Oslo?' }], tools: [WEATHER] });

      const chunks = parseSse(res.text).filter((e): e is Record<string, unknown> => e !== '[DONE]');
      const deltas = chunks.map((c) => (c.choices as Array<{ delta: { content?: string; tool_calls?: Array<{ function: { name?: string; arguments: string } }> }; finish_reason: string | null }>)[0]);
      const text = deltas.map((d) => d.delta.content ?? '').join('');
      const args = deltas.flatMap((d) => d.delta.tool_calls ?? []).map((t) => t.function.arguments).join('');
      expect(text).toBe('Checking. ');
      expect(args).toBe('{"city": "Oslo"}');
      expect(deltas[deltas.length - 1].finish_reason).toBe('tool_calls');
    });

    it('keeps working when history has tool traffic but the request declares no tools', async () => {
      h.sim.enqueue(textReply('fine'));
      const messages: Message[] = [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
        { role: 'tool', tool_call_id: 'call_9', content: '25C' },
        { role: 'user', content: 'Thanks, anything else?' },
      ];

      const completion = await client.chat.completions.create({ model: 'auto', messages });

      expect(completion.choices[0].message.content).toBe('fine');
      expect(accepted()).toHaveLength(1);
    });

    it('answers 400 naming the call when tool arguments are not JSON', async () => {
      const messages: Message[] = [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{city: Rome' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '25C' },
      ];

      const attempt = client.chat.completions.create({ model: 'auto', messages, tools: [WEATHER] });

      await expect(attempt).rejects.toMatchObject({ status: 400, error: { param: 'messages[1].tool_calls[0].function.arguments' } });
    });
  });

  describe('messy histories the strict simulator would refuse as sent', () => {
    it.each<[string, Message[]]>([
      ['a leading assistant turn', [{ role: 'assistant', content: 'Hi, how can I help?' }, { role: 'user', content: 'Tell me a joke' }]],
      ['two user turns in a row', [{ role: 'user', content: 'Hello' }, { role: 'user', content: 'Are you there?' }]],
      ['two assistant turns in a row', [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'assistant', content: 'c' }, { role: 'user', content: 'd' }]],
      ['an empty user turn', [{ role: 'user', content: '' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'again' }]],
      ['a trailing assistant prefill', [{ role: 'user', content: 'Write JSON' }, { role: 'assistant', content: '{' }]],
      ['system and developer turns in the middle', [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'a' }, { role: 'developer', content: 'Use French.' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }]],
      ['only a system message', [{ role: 'system', content: 'You are terse.' }]],
      ['a tool result without its call', [{ role: 'user', content: 'a' }, { role: 'tool', tool_call_id: 'ghost', content: 'orphan' }, { role: 'user', content: 'b' }]],
      ['a tool call whose result never came', [{ role: 'user', content: 'a' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] }, { role: 'user', content: 'never mind' }]],
      ['a call id reused in a later turn', [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"A"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"B"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'y' },
      ]],
    ])('accepts %s', async (_label, messages) => {
      h.sim.enqueue(textReply('ok'));

      const completion = await client.chat.completions.create({ model: 'auto', messages, tools: [WEATHER] });

      expect(completion.choices[0].message.content).toBe('ok');
      expect(h.sim.stats.rejected).toBe(0);
    });

    it('sends system and developer text once, with the first user turn', async () => {
      h.sim.enqueue(textReply('ok'));

      await client.chat.completions.create({
        model: 'auto',
        messages: [
          { role: 'system', content: 'SYSTEM-RULES' },
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'reply' },
          { role: 'developer', content: 'DEV-RULES' },
          { role: 'user', content: 'second' },
        ],
      });

      const sent = JSON.stringify(accepted()[0]);
      expect(sent.split('SYSTEM-RULES')).toHaveLength(2);
      expect(sent.split('DEV-RULES')).toHaveLength(2);
      expect(accepted()[0].conversationState.history?.[0].userInputMessage?.content).toBe('SYSTEM-RULES\n\nDEV-RULES\n\nfirst');
    });
  });

  describe('images', () => {
    it('sends a data-URL image on the current message', async () => {
      h.sim.enqueue(textReply('a pixel'));

      await client.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }],
      });

      expect(accepted()[0].conversationState.currentMessage.userInputMessage.images).toEqual([{ format: 'png', source: { bytes: PNG } }]);
    });

    it('keeps images in history turns', async () => {
      h.sim.enqueue(textReply('still a pixel'));

      await client.chat.completions.create({
        model: 'auto',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${PNG}` } }] },
          { role: 'assistant', content: 'A pixel.' },
          { role: 'user', content: 'And now?' },
        ],
      });

      expect(accepted()[0].conversationState.history?.[0].userInputMessage?.images).toEqual([{ format: 'jpeg', source: { bytes: PNG } }]);
    });

    it('refuses a remote image URL with a 400 that says what to send', async () => {
      const attempt = client.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      });

      await expect(attempt).rejects.toMatchObject({ status: 400, error: { code: 'image_url_unsupported', message: expect.stringContaining('data:image/png;base64') } });
      expect(h.sim.stats.chatRequests).toBe(0);
    });
  });

  describe('stop', () => {
    it('ends the answer before a stop sequence, split across frames, with finish_reason stop', async () => {
      h.sim.enqueue(textReply('Count: 1, 2, 3, STOP, 4, 5', { chunkChars: 2 }));

      const completion = await client.chat.completions.create({ model: 'auto', stop: ['STOP'], messages: [{ role: 'user', content: 'count' }] });

      expect(completion.choices[0].message.content).toBe('Count: 1, 2, 3, ');
      expect(completion.choices[0].finish_reason).toBe('stop');
    });
  });

  describe('models', () => {
    it.each([
      ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
      ['claude-haiku-4.5', 'claude-haiku-4.5'],
      ['claude-opus-4-6[1m]', 'claude-opus-4.6'],
      ['auto', 'auto'],
    ])('sends %s to Kiro as %s and echoes the requested name', async (requested, kiroId) => {
      h.sim.enqueue(textReply('ok'));

      const completion = await client.chat.completions.create({ model: requested, messages: [{ role: 'user', content: 'hi' }] });

      expect(completion.model).toBe(requested);
      expect(accepted()[0].conversationState.currentMessage.userInputMessage.modelId).toBe(kiroId);
    });
  });
});

describe('thinking (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'true', FAKE_REASONING_MAX_TOKENS: '3000' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  const THOUGHT = '<thinking>Let me weigh this carefully.</thinking>\n\nThe answer is 42.';

  it('asks Kiro for thinking with the configured budget', async () => {
    h.sim.enqueue(textReply('ok'));

    await h.openai().chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Why?' }] });

    const body = h.sim.requests.find((r) => r.path === '/generateAssistantResponse')?.body as KiroBody;
    expect(body.conversationState.currentMessage.userInputMessage.content).toMatch(/^<thinking_mode>enabled<\/thinking_mode>\n<max_thinking_length>3000<\/max_thinking_length>/);
    expect(body.conversationState.currentMessage.userInputMessage.content.endsWith('Why?')).toBe(true);
  });

  it('surfaces the thinking block as reasoning_content, non-stream', async () => {
    h.sim.enqueue(textReply(THOUGHT, { chunkChars: 3 }));

    const completion = await h.openai().chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Why?' }] });

    expect(completion.choices[0].message.content).toBe('The answer is 42.');
    expect((completion.choices[0].message as unknown as { reasoning_content: string }).reasoning_content).toBe('Let me weigh this carefully.');
  });

  it('streams reasoning_content deltas before the answer, tags split across frames', async () => {
    h.sim.enqueue(textReply(THOUGHT, { chunkChars: 2 }));

    const res = await request(h.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${PROXY_KEY}`)
      .send({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'Why?' }] });

    const deltas = parseSse(res.text)
      .filter((e): e is Record<string, unknown> => e !== '[DONE]')
      .map((c) => (c.choices as Array<{ delta: { content?: string; reasoning_content?: string } }>)[0].delta);
    const reasoning = deltas.map((d) => d.reasoning_content ?? '').join('');
    const content = deltas.map((d) => d.content ?? '').join('');
    const firstContent = deltas.findIndex((d) => d.content);
    const lastReasoning = deltas.map((d) => Boolean(d.reasoning_content)).lastIndexOf(true);
    expect(reasoning).toBe('Let me weigh this carefully.');
    expect(content).toBe('The answer is 42.');
    expect(lastReasoning).toBeLessThan(firstContent);
  });

  it('turns thinking off for reasoning_effort none', async () => {
    h.sim.enqueue(textReply(THOUGHT));

    const completion = await h.openai().chat.completions.create({ model: 'auto', reasoning_effort: 'none' as never, messages: [{ role: 'user', content: 'Why?' }] });

    const body = h.sim.requests.find((r) => r.path === '/generateAssistantResponse')?.body as KiroBody;
    expect(body.conversationState.currentMessage.userInputMessage.content).toBe('Why?');
    expect(completion.choices[0].message.content).toBe(THOUGHT);
  });

  it('maps reasoning_effort high to a larger budget', async () => {
    h.sim.enqueue(textReply('ok'));

    await h.openai().chat.completions.create({ model: 'auto', reasoning_effort: 'high', messages: [{ role: 'user', content: 'Why?' }] });

    const body = h.sim.requests.find((r) => r.path === '/generateAssistantResponse')?.body as KiroBody;
    expect(body.conversationState.currentMessage.userInputMessage.content).toContain('<max_thinking_length>16000</max_thinking_length>');
  });
});
