import OpenAI from 'openai';
import request from 'supertest';
import { contextTooLong, textReply, throttled, toolCallEvents, type Scenario } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

const MIXED_TEXT = 'Hello, 世界! Emoji 🎉👩‍💻 and CJK 我将为您创建一个高级天气展示卡片 — done.';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const WEATHER = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};
const TIME = { type: 'function' as const, name: 'get_time', description: 'Time in a zone.', parameters: { type: 'object', properties: { zone: { type: 'string' } } }, strict: false };

interface KiroBody {
  conversationState: {
    currentMessage: { userInputMessage: { content: string; images?: unknown[]; userInputMessageContext?: { tools?: Array<{ toolSpecification: { name: string; description: string } }>; toolResults?: unknown[] } } };
    history?: Array<Record<string, { content: string; toolUses?: unknown[] }>>;
  };
}

function parseEvents(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split('\n');
      return { event: lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '', data: JSON.parse(lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '{}') };
    });
}

describe('POST /v1/responses (e2e, openai responses client)', () => {
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    h = await startHarness({ env: { MAX_RETRIES: '0', FAKE_REASONING: 'true' } });
    client = h.openai();
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  const accepted = (): KiroBody[] => h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && r.status === 200).map((r) => r.body as KiroBody);

  it('answers non-stream with a response object and output_text', async () => {
    h.sim.enqueue(textReply('Hi there!', { contextUsagePercentage: 1 }));

    const response = await client.responses.create({ model: 'claude-sonnet-4-5', input: 'Hello', reasoning: { effort: 'minimal' } });

    expect(response).toMatchObject({ id: expect.stringMatching(/^resp_/), object: 'response', status: 'completed', model: 'claude-sonnet-4-5', incomplete_details: null, error: null });
    expect(response.output).toEqual([
      { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hi there!', annotations: [], logprobs: [] }] },
    ]);
    expect(response.output_text).toBe('Hi there!');
    // The local count of "Hello": Kiro's context percentage (1 %) is not usage.
    expect(response.usage).toMatchObject({ input_tokens: 1, output_tokens: 3, total_tokens: 4 });
  });

  it('streams the same text as non-stream, CJK and emoji split across frames and writes', async () => {
    const scenario = { ...textReply(MIXED_TEXT, { chunkChars: 1 }), split: { everyBytes: 3 } };
    h.sim.enqueue(scenario, scenario);

    const whole = await client.responses.create({ model: 'auto', input: 'x', reasoning: { effort: 'minimal' } });
    const stream = client.responses.stream({ model: 'auto', input: 'x', reasoning: { effort: 'minimal' } });
    let deltas = '';
    stream.on('response.output_text.delta', (e) => (deltas += e.delta));
    const final = await stream.finalResponse();

    expect(whole.output_text).toBe(MIXED_TEXT);
    expect(final.output_text).toBe(MIXED_TEXT);
    expect(deltas).toBe(MIXED_TEXT);
  });

  it('follows the event grammar with increasing sequence numbers', async () => {
    h.sim.enqueue(textReply('<thinking>Think.</thinking>\n\nAnswer.', { chunkChars: 4 }));

    const res = await request(h.url).post('/v1/responses').set('Authorization', `Bearer ${PROXY_KEY}`).send({ model: 'auto', input: 'q', stream: true });

    const events = parseEvents(res.text);
    expect(events.every((e) => e.event === e.data.type)).toBe(true);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    const types = events.map((e) => e.event).filter((t) => !t.endsWith('.delta'));
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const completed = events[events.length - 1].data.response as { output: Array<{ type: string }> };
    expect(completed.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
  });

  it('puts reasoning in a reasoning item before the message, non-stream', async () => {
    h.sim.enqueue(textReply('<thinking>Weigh it.</thinking>\n\n42.', { chunkChars: 3 }));

    const response = await client.responses.create({ model: 'auto', input: 'why?', reasoning: { effort: 'high' } });

    expect(response.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(response.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Weigh it.' }] });
    expect(response.output_text).toBe('42.');
    expect(accepted()[0].conversationState.currentMessage.userInputMessage.content).toContain('<max_thinking_length>16000</max_thinking_length>');
  });

  it('sends instructions and developer items once, as system text', async () => {
    h.sim.enqueue(textReply('ok'));

    await client.responses.create({
      model: 'auto',
      instructions: 'INSTRUCTIONS-TEXT',
      reasoning: { effort: 'minimal' },
      input: [
        { role: 'developer', content: 'DEVELOPER-TEXT' },
        { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
      ],
    });

    const sent = JSON.stringify(accepted()[0]);
    expect(sent.split('INSTRUCTIONS-TEXT')).toHaveLength(2);
    expect(accepted()[0].conversationState.currentMessage.userInputMessage.content).toBe('INSTRUCTIONS-TEXT\n\nDEVELOPER-TEXT\n\nHi');
  });

  it('returns one and two function calls, non-stream and stream', async () => {
    h.sim.enqueue(
      { kind: 'stream', events: toolCallEvents('tooluse_w', 'get_weather', '{"city":"Paris"}', 3) },
      { kind: 'stream', events: [...toolCallEvents('tooluse_w2', 'get_weather', '{"city":"Oslo"}', 2), ...toolCallEvents('tooluse_t2', 'get_time', '{"zone":"CET"}', 2)] },
    );

    const one = await client.responses.create({ model: 'auto', input: 'Paris?', tools: [WEATHER], reasoning: { effort: 'minimal' } });
    const stream = client.responses.stream({ model: 'auto', input: 'both?', tools: [WEATHER, TIME], reasoning: { effort: 'minimal' } });
    const two = await stream.finalResponse();

    expect(one.output).toEqual([{ id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'tooluse_w', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(two.output.map((o) => (o.type === 'function_call' ? [o.call_id, o.name, JSON.parse(o.arguments)] : o.type))).toEqual([
      ['tooluse_w2', 'get_weather', { city: 'Oslo' }],
      ['tooluse_t2', 'get_time', { zone: 'CET' }],
    ]);
  });

  it('runs a function_call_output round trip, and continues with previous_response_id', async () => {
    h.sim.enqueue({ kind: 'stream', events: toolCallEvents('tooluse_r', 'get_weather', '{"city":"Rome"}', 2) }, textReply('Rome is sunny.'), textReply('You asked about Rome.'));

    const first = await client.responses.create({ model: 'auto', input: 'Rome?', tools: [WEATHER], reasoning: { effort: 'minimal' } });
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    const second = await client.responses.create({
      model: 'auto',
      previous_response_id: first.id,
      tools: [WEATHER],
      reasoning: { effort: 'minimal' },
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '25C and sunny' }],
    });
    const third = await client.responses.create({ model: 'auto', previous_response_id: second.id, tools: [WEATHER], reasoning: { effort: 'minimal' }, input: 'What did I ask?' });

    expect(second.output_text).toBe('Rome is sunny.');
    expect(third.output_text).toBe('You asked about Rome.');
    const body = accepted()[2].conversationState;
    expect(body.history?.map((e) => Object.keys(e)[0])).toEqual(['userInputMessage', 'assistantResponseMessage', 'userInputMessage', 'assistantResponseMessage']);
    expect(body.history?.[1].assistantResponseMessage.toolUses).toEqual([{ toolUseId: 'tooluse_r', name: 'get_weather', input: { city: 'Rome' } }]);
    expect(body.history?.[3].assistantResponseMessage.content).toBe('Rome is sunny.');
  });

  it('answers 404 for an unknown previous_response_id, and keeps nothing with store: false', async () => {
    h.sim.enqueue(textReply('not kept'));

    await expect(client.responses.create({ model: 'auto', input: 'x', previous_response_id: 'resp_nope' })).rejects.toMatchObject({
      status: 404,
      error: { code: 'previous_response_not_found', param: 'previous_response_id' },
    });
    const unstored = await client.responses.create({ model: 'auto', input: 'x', store: false, reasoning: { effort: 'minimal' } });

    await expect(client.responses.create({ model: 'auto', input: 'y', previous_response_id: unstored.id })).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.retrieve(unstored.id)).rejects.toMatchObject({ status: 404 });
  });

  it('keeps a tenant\'s stored responses from other callers', async () => {
    h.sim.addRefreshToken('tenant-owning-a-response');
    h.sim.enqueue(textReply('private'));
    const tenant = h.openai(`${PROXY_KEY}:tenant-owning-a-response`);

    const created = await tenant.responses.create({ model: 'auto', input: 'x', reasoning: { effort: 'minimal' } });

    expect((await tenant.responses.retrieve(created.id)).output_text).toBe('private');
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.responses.create({ model: 'auto', input: 'y', previous_response_id: created.id })).rejects.toMatchObject({ status: 404 });
  });

  it('retrieves a stored response', async () => {
    h.sim.enqueue(textReply('kept'));

    const created = await client.responses.create({ model: 'auto', input: 'x', reasoning: { effort: 'minimal' } });
    const retrieved = await client.responses.retrieve(created.id);

    expect(retrieved.output_text).toBe('kept');
    expect(retrieved.id).toBe(created.id);
  });

  it('accepts a Codex-shaped turn and its follow-up in the strict simulator', async () => {
    const applyPatch = { ...WEATHER, name: 'apply_patch', description: `Use apply_patch to edit files. ${'Patch grammar and rules. '.repeat(700)}`, parameters: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'], additionalProperties: false } };
    const tools = [
      { ...WEATHER, name: 'shell', description: 'Runs a shell command and returns its output.', parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } }, workdir: { type: 'string' }, timeout_ms: { type: 'number' } }, required: ['command'], additionalProperties: false } },
      applyPatch,
      { ...WEATHER, name: 'update_plan', description: 'Updates the task plan.', parameters: { type: 'object', properties: { explanation: { type: 'string' }, plan: { type: 'array', items: { type: 'object', properties: { step: { type: 'string' }, status: { type: 'string' } }, required: ['step', 'status'] } } }, required: ['plan'] } },
      { ...WEATHER, name: 'view_image', description: 'Attach a local image.', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
      { type: 'web_search' },
    ];
    const base = [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>Sandbox: workspace-write. Approvals: on-request.</permissions instructions>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n  <cwd>/home/dev/project</cwd>\n  <shell>bash</shell>\n</environment_context>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] },
    ];
    h.sim.enqueue({ kind: 'stream', events: toolCallEvents('tooluse_sh', 'shell', '{"command":["ls","-la"],"workdir":"/home/dev/project"}', 4) }, textReply('There are 3 files.'));

    const first = await client.responses.create({ model: 'claude-sonnet-4-5', instructions: 'You are Codex. '.repeat(500), input: base as never, tools: tools as never, reasoning: { effort: 'medium', summary: 'auto' }, store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'abc', parallel_tool_calls: false });
    const call = first.output.find((o) => o.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
    const second = await client.responses.create({
      model: 'claude-sonnet-4-5',
      instructions: 'You are Codex. '.repeat(500),
      tools: tools as never,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      input: [
        ...base,
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'I will list files.' }], encrypted_content: 'opaque' },
        { type: 'function_call', id: call.id, call_id: call.call_id, name: 'shell', arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: 'a.txt\nb.txt\nc.txt' },
      ] as never,
    });

    expect(call.name).toBe('shell');
    expect(second.output_text).toBe('There are 3 files.');
    expect(h.sim.stats.rejected).toBe(0);
    const declared = accepted()[1].conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.map((t) => t.toolSpecification.name);
    // In name order, so the prompt's prefix is the same on every turn (prompt caching, §9.6); the
    // hosted web_search is the gateway's search tool (web-search-tool.ts).
    expect(declared).toEqual(['apply_patch', 'shell', 'update_plan', 'view_image', 'web_search']);
  });

  it('returns encrypted reasoning with store: false and reads it back on the next turn, for the same caller only', async () => {
    h.sim.enqueue(textReply('<thinking>First list the files.</thinking>\n\nDone.'), textReply('again'), textReply('other caller'));
    const ask = { model: 'claude-sonnet-4-5', reasoning: { effort: 'medium' as const }, store: false, include: ['reasoning.encrypted_content' as const] };

    const first = await client.responses.create({ ...ask, input: 'List the files.' });
    const reasoning = first.output.find((item) => item.type === 'reasoning') as OpenAI.Responses.ResponseReasoningItem;
    const history = [{ role: 'user', content: 'List the files.' }, reasoning, ...first.output.filter((item) => item.type === 'message'), { role: 'user', content: 'Again.' }];
    await client.responses.create({ ...ask, input: history as never });
    h.sim.addRefreshToken('other-caller-token');
    await h.openai(`${PROXY_KEY}:other-caller-token`).responses.create({ ...ask, input: history as never });

    expect(reasoning.encrypted_content).toMatch(/^kgr1\./);
    expect(reasoning.encrypted_content).not.toContain('First list the files');
    const [, mine, theirs] = accepted().map((body) => body.conversationState.history?.[1]?.assistantResponseMessage?.content);
    expect(mine).toBe('<thinking>First list the files.</thinking>\n\nDone.');
    expect(theirs).toBe('Done.');
  });

  it('serves a namespace with a 2 MB description and 400 tools, telling the description once, capped', async () => {
    h.sim.enqueue(textReply('ok'));
    const description = 'Tools for the agent framework. '.repeat(70_000);
    const inner = Array.from({ length: 400 }, (_, i) => ({ type: 'function', name: `f${i}`, description: `Function ${i}.`, parameters: { type: 'object', properties: {} } }));

    const res = await request(h.url)
      .post('/v1/responses')
      .set('Authorization', `Bearer ${PROXY_KEY}`)
      .send({ model: 'auto', input: 'Hi', reasoning: { effort: 'minimal' }, tools: [{ type: 'namespace', name: 'agents', description, tools: inner }] });

    expect(res.status).toBe(200);
    const sent = accepted()[0];
    const tools = sent.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools ?? [];
    expect(tools).toHaveLength(400);
    expect(tools.map((t) => t.toolSpecification).find((spec) => spec.name === 'agents__f7')).toMatchObject({ name: 'agents__f7', description: 'Function 7.' });
    const content = sent.conversationState.currentMessage.userInputMessage.content;
    expect(content.split('## Tool namespace agents')).toHaveLength(2);
    expect(JSON.stringify(sent).length).toBeLessThan(200_000);
  });

  it('sends an input_image as a Kiro image', async () => {
    h.sim.enqueue(textReply('a pixel'));

    await client.responses.create({ model: 'auto', reasoning: { effort: 'minimal' }, input: [{ role: 'user', content: [{ type: 'input_text', text: 'What?' }, { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' }] }] });

    expect(accepted()[0].conversationState.currentMessage.userInputMessage.images).toEqual([{ format: 'png', source: { bytes: PNG } }]);
  });

  describe('errors', () => {
    it('400 for malformed input, naming it', async () => {
      const res = await request(h.url).post('/v1/responses').set('Authorization', `Bearer ${PROXY_KEY}`).send({ model: 'auto', input: [{ type: 'mystery' }] });

      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'input[0].type' });
    });

    it('400 naming a hosted tool Kiro cannot run', async () => {
      const attempt = client.responses.create({ model: 'auto', input: 'x', tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] });

      await expect(attempt).rejects.toMatchObject({ status: 400, error: { param: 'tools[0].type', message: expect.stringContaining('file_search') } });
    });

    it('401 for a wrong key', async () => {
      await expect(h.openai('nope').responses.create({ model: 'auto', input: 'x' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    });

    it('404 for an unknown model', async () => {
      await expect(client.responses.create({ model: 'gpt-4o', input: 'x' })).rejects.toMatchObject({ status: 404, error: { code: 'model_not_found' } });
    });

    it('429 with Retry-After when Kiro throttles', async () => {
      h.sim.enqueue(throttled());

      const res = await request(h.url).post('/v1/responses').set('Authorization', `Bearer ${PROXY_KEY}`).send({ model: 'auto', input: 'x' });

      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    });

    it('400 context_length_exceeded on overflow', async () => {
      h.sim.enqueue(contextTooLong());

      await expect(client.responses.create({ model: 'auto', input: 'x' })).rejects.toMatchObject({ status: 400, error: { code: 'context_length_exceeded' } });
    });

    it('ends a failing stream with response.failed, never response.completed', async () => {
      // The first call and both resumes (STREAM_MAX_RESUMES) fail the same way.
      const failing: Scenario = { kind: 'stream', events: [{ type: 'text', content: 'Partial' }, { type: 'exception', exceptionType: 'InternalServerException', message: 'boom' }] };
      h.sim.enqueue(failing, failing, failing);

      const res = await request(h.url).post('/v1/responses').set('Authorization', `Bearer ${PROXY_KEY}`).send({ model: 'auto', input: 'x', stream: true, reasoning: { effort: 'minimal' } });

      const events = parseEvents(res.text);
      const last = events[events.length - 1];
      expect(last.event).toBe('response.failed');
      expect(last.data.response).toMatchObject({ status: 'failed', error: { code: 'upstream_error', message: expect.stringContaining('boom') } });
      expect((last.data.response as { output: Array<{ status: string }> }).output.map((o) => o.status)).toEqual(['incomplete']);
      expect(events.map((e) => e.event)).not.toContain('response.completed');
    });

    it('hands the SDK stream the failed response', async () => {
      // The first call and both resumes (STREAM_MAX_RESUMES) fail the same way.
      const failing: Scenario = { kind: 'stream', events: [{ type: 'text', content: 'Partial' }, { type: 'exception', exceptionType: 'InternalServerException', message: 'boom' }] };
      h.sim.enqueue(failing, failing, failing);

      const stream = client.responses.stream({ model: 'auto', input: 'x', reasoning: { effort: 'minimal' } });
      const final = await stream.finalResponse();

      // The SDK hands back the failed response; it never reports it completed.
      expect(final.status).toBe('failed');
      expect(final.error).toEqual({ code: 'upstream_error', message: 'Kiro failed mid-stream: InternalServerException: boom' });
    });

    it('ends the message of an incomplete response incomplete too, streamed and stored', async () => {
      h.sim.enqueue({ kind: 'stream', events: [{ type: 'text', content: 'Partial' }, { type: 'exception', exceptionType: 'ContentLengthExceededException', message: 'cut' }] });

      const res = await request(h.url).post('/v1/responses').set('Authorization', `Bearer ${PROXY_KEY}`).send({ model: 'auto', input: 'x', stream: true, reasoning: { effort: 'minimal' } });

      const events = parseEvents(res.text);
      const itemDone = events.find((e) => e.event === 'response.output_item.done');
      const last = events[events.length - 1];
      expect(itemDone?.data.item).toMatchObject({ type: 'message', status: 'incomplete' });
      expect(last.event).toBe('response.incomplete');
      expect(last.data.response).toMatchObject({ status: 'incomplete', output: [{ type: 'message', status: 'incomplete' }] });
      const stored = await client.responses.retrieve((last.data.response as { id: string }).id);
      expect(stored.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    });

    it('reports an output cut by Kiro as incomplete', async () => {
      h.sim.enqueue({ kind: 'stream', events: [{ type: 'text', content: 'Partial' }, { type: 'exception', exceptionType: 'ContentLengthExceededException', message: 'cut' }] });

      const response = await client.responses.create({ model: 'auto', input: 'x', reasoning: { effort: 'minimal' } });

      expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
      expect(response.output_text).toBe('Partial');
    });
  });
});

describe("sealed reasoning is keyed by the deployment's secret, not the proxy key (e2e)", () => {
  const ask = { model: 'claude-sonnet-4-5', reasoning: { effort: 'medium' as const }, store: false, include: ['reasoning.encrypted_content' as const] };

  /** The reasoning item one gateway seals, and what another gateway's Kiro request makes of it. */
  async function handOver(sealerEnv: Record<string, string>, openerEnv: Record<string, string>): Promise<string | undefined> {
    const sealer = await startHarness({ env: { FAKE_REASONING: 'true', ...sealerEnv } });
    let reasoning: OpenAI.Responses.ResponseReasoningItem;
    let first: OpenAI.Responses.Response;
    try {
      sealer.sim.enqueue(textReply('<thinking>First list the files.</thinking>\n\nDone.'));
      first = await sealer.openai().responses.create({ ...ask, input: 'List the files.' });
      reasoning = first.output.find((item) => item.type === 'reasoning') as OpenAI.Responses.ResponseReasoningItem;
    } finally {
      await sealer.close();
    }
    const opener = await startHarness({ env: { FAKE_REASONING: 'true', ...openerEnv } });
    try {
      opener.sim.enqueue(textReply('again'));
      const history = [{ role: 'user', content: 'List the files.' }, reasoning, ...first.output.filter((item) => item.type === 'message'), { role: 'user', content: 'Again.' }];
      await opener.openai().responses.create({ ...ask, input: history as never });
      const sent = opener.sim.requests.find((r) => r.path === '/generateAssistantResponse' && r.status === 200)?.body as KiroBody;
      return sent.conversationState.history?.[1]?.assistantResponseMessage?.content;
    } finally {
      await opener.close();
    }
  }

  it('cannot be opened by another gateway that only shares the proxy key', async () => {
    // Both use PROXY_KEY and no GATEWAY_SECRET: each has a random secret of its own.
    expect(await handOver({}, {})).toBe('Done.');
  });

  it('is opened by another gateway with the same GATEWAY_SECRET (a replica, a restart)', async () => {
    const secret = { GATEWAY_SECRET: 'a-deployment-secret-of-at-least-32-characters' };

    expect(await handOver(secret, secret)).toBe('<thinking>First list the files.</thinking>\n\nDone.');
  });
});
