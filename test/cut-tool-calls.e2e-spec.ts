import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { type SimEvent, textEvents, textReply, toolCallReply } from './simulator';
import { Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';
import { metric } from './support/metrics';

/**
 * A tool call Kiro cuts off mid-arguments (kiro-protocol.md §9.8 case 1: no `stop`, no
 * contextUsageEvent), with TOOL_CALL_RECOVERY off (or when asking again brings no whole call,
 * test/tool-call-recovery.e2e-spec.ts), ends the turn cleanly in every API family — text and complete calls kept,
 * the cut call left out — never as an error a client would retry; a zero-argument call (§9.8
 * case 2) is a call, not a cut.
 */
const WRITE_TOOL = { name: 'Write', description: 'Write a file', input_schema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] } };
const OPENAI_WRITE = { type: 'function', function: { name: 'Write', description: 'Write a file', parameters: WRITE_TOOL.input_schema } };

const cutCall = (): { kind: 'stream'; events: SimEvent[] } => ({
  kind: 'stream',
  events: [
    ...textEvents('I will write both files. '),
    { type: 'toolUse', toolUseId: 'tooluse_done', name: 'Write' },
    { type: 'toolUse', toolUseId: 'tooluse_done', name: 'Write', input: '{"path":"a.txt","content":"A"}' },
    { type: 'toolUse', toolUseId: 'tooluse_done', name: 'Write', stop: true },
    { type: 'toolUse', toolUseId: 'tooluse_cut', name: 'Write' },
    { type: 'toolUse', toolUseId: 'tooluse_cut', name: 'Write', input: '{"path":"b.txt","content":"BBBB' },
  ],
});

describe('tool calls Kiro cuts off, TOOL_CALL_RECOVERY off (e2e)', () => {
  let h: Harness;
  const anthropic = (body: Record<string, unknown>) =>
    request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ model: 'claude-sonnet-4-5', max_tokens: 1000, tools: [WRITE_TOOL], messages: [{ role: 'user', content: 'Write a.txt and b.txt' }], ...body });

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', TOOL_CALL_RECOVERY: 'false' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('Anthropic stream: keeps the text and the complete call, leaves out the cut one, stop_reason max_tokens', async () => {
    h.sim.enqueue(cutCall());

    const res = await anthropic({ stream: true });

    const events = parseSse(res.text) as Array<Record<string, unknown>>;
    expect(res.status).toBe(200);
    expect(events.map((e) => e.type)).not.toContain('error');
    expect(events.filter((e) => e.type === 'content_block_start').map((e) => e.content_block)).toStrictEqual([
      { type: 'text', text: '' },
      { type: 'tool_use', id: 'tooluse_done', name: 'Write', input: {} },
    ]);
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    expect(events[events.length - 1]).toStrictEqual({ type: 'message_stop' });
  });

  it('Anthropic non-stream: the same message, stop_reason max_tokens', async () => {
    h.sim.enqueue(cutCall());

    const res = await anthropic({});

    expect(res.status).toBe(200);
    expect(res.body.stop_reason).toBe('max_tokens');
    expect(res.body.content).toStrictEqual([
      { type: 'text', text: 'I will write both files. ' },
      { type: 'tool_use', id: 'tooluse_done', name: 'Write', input: { path: 'a.txt', content: 'A' } },
    ]);
  });

  it('OpenAI chat: finish_reason length with the complete call only', async () => {
    h.sim.enqueue(cutCall());

    const completion = await h.openai().chat.completions.create({ model: 'claude-sonnet-4.5', tools: [OPENAI_WRITE as never], messages: [{ role: 'user', content: 'Write a.txt and b.txt' }] });

    expect(completion.choices[0].finish_reason).toBe('length');
    expect(completion.choices[0].message.content).toBe('I will write both files. ');
    expect(completion.choices[0].message.tool_calls?.map((call) => call.id)).toStrictEqual(['tooluse_done']);
  });

  it('Responses stream: status incomplete, reason max_output_tokens, no item for the cut call', async () => {
    h.sim.enqueue(cutCall());

    const res = await request(h.url)
      .post('/v1/responses')
      .set('Authorization', `Bearer ${PROXY_KEY}`)
      .send({ model: 'claude-sonnet-4.5', stream: true, input: 'Write a.txt and b.txt', tools: [{ type: 'function', name: 'Write', parameters: WRITE_TOOL.input_schema }] });

    const events = parseSse(res.text) as Array<Record<string, unknown>>;
    const last = events[events.length - 1] as { type: string; response: { status: string; incomplete_details: unknown; output: Array<{ type: string; call_id?: string }> } };
    expect(last.type).toBe('response.incomplete');
    expect(last.response.status).toBe('incomplete');
    expect(last.response.incomplete_details).toStrictEqual({ reason: 'max_output_tokens' });
    expect(last.response.output.filter((item) => item.type === 'function_call').map((item) => item.call_id)).toStrictEqual(['tooluse_done']);
  });

  it('counts each cut call in /metrics', async () => {
    const before = await cutCount(h);
    h.sim.enqueue(cutCall(), cutCall());

    await anthropic({});
    await anthropic({ stream: true });

    expect((await cutCount(h)) - before).toBe(2);
  });

  it('serves a zero-argument call (input "" and no stop, then a normal end) as a call with {} and stop_reason tool_use', async () => {
    h.sim.enqueue({
      kind: 'stream',
      events: [
        { type: 'toolUse', toolUseId: 'tooluse_zero', name: 'Write', input: '' },
        { type: 'contextUsage', percentage: 2 },
        { type: 'metering', usage: 0.01 },
      ],
    });

    const res = await anthropic({});

    expect(res.body.stop_reason).toBe('tool_use');
    expect(res.body.content).toStrictEqual([{ type: 'tool_use', id: 'tooluse_zero', name: 'Write', input: {} }]);
  });
});

/**
 * With TOOL_CALL_RECOVERY (the default), the cut call is asked for once more, the conversation
 * plus the instruction to split it into smaller calls, and the whole call that comes is
 * delivered in the same response; the complete call sent before it is not sent twice.
 */
describe('tool calls Kiro cuts off, asked for again (e2e, TOOL_CALL_RECOVERY)', () => {
  let h: Harness;
  let anthropicClient: Anthropic;
  const SMALL_ARGS = '{"path":"b.txt","content":"BB"}';
  /** Kiro's answer to the re-ask: a whole, smaller call (and the complete one restated, as models do). */
  const smallerCall = () => ({
    kind: 'stream' as const,
    events: [
      ...textEvents('Writing b.txt in a smaller call. '),
      { type: 'toolUse' as const, toolUseId: 'tooluse_done', name: 'Write', input: '{"path":"a.txt","content":"A"}' },
      { type: 'toolUse' as const, toolUseId: 'tooluse_done', name: 'Write', stop: true },
      ...toolCallReply('tooluse_small', 'Write', SMALL_ARGS, { contextUsagePercentage: 2, meteringUsage: 0.01 }).events,
    ],
  });
  const kiroCalls = () => h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && r.status === 200).map((r) => r.body as KiroCall);
  const recoveries = (outcome: string) => labelled(h, `kiro_gateway_tool_call_recoveries_total{outcome="${outcome}"}`);
  const ask = () => ({ model: 'claude-sonnet-4-5', max_tokens: 1000, tools: [WRITE_TOOL as Anthropic.Tool], messages: [{ role: 'user' as const, content: 'Write a.txt and b.txt' }] });

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
    anthropicClient = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('asks Kiro once more with the conversation, the text sent and the instruction to split the call', async () => {
    h.sim.enqueue(cutCall(), smallerCall());

    await anthropicClient.messages.create(ask());

    const [first, again] = kiroCalls();
    expect(kiroCalls()).toHaveLength(2);
    expect(again.conversationState.history?.slice(0, -1)).toStrictEqual([...(first.conversationState.history ?? []), expect.objectContaining({ userInputMessage: expect.objectContaining({ content: 'Write a.txt and b.txt' }) })]);
    expect(again.conversationState.history?.at(-1)).toMatchObject({ assistantResponseMessage: { content: 'I will write both files. ' } });
    expect(again.conversationState.currentMessage.userInputMessage.content).toMatch(
      /^Your previous answer was cut off by the output limit in the middle of the arguments of a tool call, so that call was lost\. The lost call was to "Write"\. Make that call again, but split its output into smaller calls/,
    );
    expect(again.conversationState.currentMessage.userInputMessage.content).toContain('Tool calls already made, not to be made again: Write({"path":"a.txt","content":"A"}).');
  });

  it('Anthropic SDK, non-stream: the whole smaller call arrives, after the complete one, stop_reason tool_use', async () => {
    const before = await recoveries('recovered');
    h.sim.enqueue(cutCall(), smallerCall());

    const message = await anthropicClient.messages.create(ask());

    expect(message.stop_reason).toBe('tool_use');
    // toEqual: the SDK's parsed objects are not plain literals.
    expect(message.content).toEqual([
      { type: 'text', text: 'I will write both files. ' },
      { type: 'tool_use', id: 'tooluse_done', name: 'Write', input: { path: 'a.txt', content: 'A' } },
      { type: 'text', text: 'Writing b.txt in a smaller call. ' },
      { type: 'tool_use', id: 'tooluse_small', name: 'Write', input: { path: 'b.txt', content: 'BB' } },
    ]);
    expect((await recoveries('recovered')) - before).toBe(1);
  });

  it('Anthropic SDK, stream: one response, every block whole, no error event', async () => {
    h.sim.enqueue(cutCall(), smallerCall());

    const stream = anthropicClient.messages.stream(ask());
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();

    expect(types).not.toContain('error');
    expect(types.filter((type) => type === 'message_start')).toHaveLength(1);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.filter((block) => block.type === 'tool_use').map((block) => [block.id, block.input])).toStrictEqual([
      ['tooluse_done', { path: 'a.txt', content: 'A' }],
      ['tooluse_small', { path: 'b.txt', content: 'BB' }],
    ]);
  });

  it('OpenAI SDK, chat non-stream: finish_reason tool_calls with both calls', async () => {
    h.sim.enqueue(cutCall(), smallerCall());

    const completion = await h.openai().chat.completions.create({ model: 'claude-sonnet-4.5', tools: [OPENAI_WRITE as never], messages: [{ role: 'user', content: 'Write a.txt and b.txt' }] });

    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls?.map((call) => [call.id, call.type === 'function' && call.function.arguments])).toStrictEqual([
      ['tooluse_done', '{"path":"a.txt","content":"A"}'],
      ['tooluse_small', SMALL_ARGS],
    ]);
  });

  it('OpenAI SDK, chat stream: the calls at indices 0 and 1, finish_reason tool_calls', async () => {
    h.sim.enqueue(cutCall(), smallerCall());

    const stream = await h.openai().chat.completions.create({ model: 'claude-sonnet-4.5', stream: true, tools: [OPENAI_WRITE as never], messages: [{ role: 'user', content: 'Write a.txt and b.txt' }] });
    const calls: Array<{ index: number; id?: string }> = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) if (call.id) calls.push({ index: call.index, id: call.id });
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }

    expect(calls).toStrictEqual([
      { index: 0, id: 'tooluse_done' },
      { index: 1, id: 'tooluse_small' },
    ]);
    expect(finish).toBe('tool_calls');
  });

  it.each([false, true])('Responses (stream: %s): completed, with a function_call item for each whole call', async (stream) => {
    h.sim.enqueue(cutCall(), smallerCall());

    const res = await request(h.url)
      .post('/v1/responses')
      .set('Authorization', `Bearer ${PROXY_KEY}`)
      .send({ model: 'claude-sonnet-4.5', stream, input: 'Write a.txt and b.txt', tools: [{ type: 'function', name: 'Write', parameters: WRITE_TOOL.input_schema }] });

    const events = stream ? (parseSse(res.text) as Array<{ type: string; response?: ResponseBody }>) : [];
    const response = stream ? events[events.length - 1].response! : (res.body as ResponseBody);
    expect(response.status).toBe('completed');
    expect(response.output.filter((item) => item.type === 'function_call').map((item) => item.call_id)).toStrictEqual(['tooluse_done', 'tooluse_small']);
  });

  it('asks only once: cut again, the turn ends cleanly as max_tokens, and both cuts are counted', async () => {
    const cutBefore = await cutCount(h);
    const cutAgainBefore = await recoveries('cut_again');
    h.sim.enqueue(cutCall(), cutCall(), smallerCall());

    const message = await anthropicClient.messages.create(ask());

    expect(message.stop_reason).toBe('max_tokens');
    expect(message.content.filter((block) => block.type === 'tool_use').map((block) => block.id)).toStrictEqual(['tooluse_done']);
    expect(kiroCalls()).toHaveLength(2);
    expect((await cutCount(h)) - cutBefore).toBe(2);
    expect((await recoveries('cut_again')) - cutAgainBefore).toBe(1);
  });

  it('ends the turn as it would have when the re-ask fails: no error reaches the client', async () => {
    const failedBefore = await recoveries('failed');
    h.sim.enqueue(cutCall(), { kind: 'http-error', status: 400, body: { message: 'Improperly formed request.', reason: null } });

    const res = await request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ ...ask(), stream: true });

    const events = parseSse(res.text) as Array<Record<string, unknown>>;
    expect(events.map((e) => e.type)).not.toContain('error');
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    expect((await recoveries('failed')) - failedBefore).toBe(1);
  });

  it('does not ask again when the context window is full: a longer prompt cannot fit, stop_reason model_context_window_exceeded kept', async () => {
    h.sim.enqueue({ kind: 'stream', events: [...cutCall().events, { type: 'metadata', stopReason: 'MODEL_CONTEXT_WINDOW_EXCEEDED' }] }, textReply('Not a call.'));

    const message = await anthropicClient.messages.create(ask());

    expect(message.stop_reason).toBe('model_context_window_exceeded');
    expect(message.content.filter((block) => block.type === 'tool_use').map((block) => block.id)).toStrictEqual(['tooluse_done']);
    expect(kiroCalls()).toHaveLength(1);
  });

  it('counts the re-ask as a stream recovery of kind tool_call in /metrics', async () => {
    const before = await labelled(h, 'kiro_gateway_stream_recoveries_total{kind="tool_call"}');
    h.sim.enqueue(cutCall(), smallerCall());

    await anthropicClient.messages.create(ask());

    expect((await labelled(h, 'kiro_gateway_stream_recoveries_total{kind="tool_call"}')) - before).toBe(1);
  });

  it('answers a [sim:cuttool] request with the simulator’s own smaller call when asked again', async () => {
    const message = await anthropicClient.messages.create({ ...ask(), messages: [{ role: 'user', content: 'Write the file [sim:cuttool]' }] });

    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.at(-1)).toEqual({ type: 'tool_use', id: expect.stringMatching(/^tooluse_/), name: 'Write', input: { path: 'sim-path', content: 'x'.repeat(100) } });
  });
});

/** STREAM_MAX_RESUMES=1: the recovery takes the only resume, so its re-ask failing cannot be resumed. */
describe('tool calls Kiro cuts off, asked for again with the last resume (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', STREAM_MAX_RESUMES: '1' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('ends cleanly as max_tokens, not with an error, when the re-ask sends some text and then fails', async () => {
    const throttled: SimEvent = { type: 'exception', exceptionType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };
    h.sim.enqueue(cutCall(), { kind: 'stream', events: [...textEvents('Writing b.txt in two parts, the first one now. '), throttled] }, textReply('Never asked for.'));

    const res = await request(h.url)
      .post('/v1/messages')
      .set('x-api-key', PROXY_KEY)
      .send({ model: 'claude-sonnet-4-5', max_tokens: 1000, stream: true, tools: [WRITE_TOOL], messages: [{ role: 'user', content: 'Write a.txt and b.txt' }] });

    const events = parseSse(res.text) as Array<Record<string, unknown>>;
    expect(res.status).toBe(200);
    expect(events.map((e) => e.type)).not.toContain('error');
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    expect(events.at(-1)).toStrictEqual({ type: 'message_stop' });
    const text = events.map((e) => (e.delta as { text?: string } | undefined)?.text ?? '').join('');
    expect(text).toBe('I will write both files. Writing b.txt in two parts, the first one now. ');
    expect(h.sim.stats.chatRequests).toBe(2);
  });
});

interface KiroCall {
  conversationState: { history?: unknown[]; currentMessage: { userInputMessage: { content: string } } };
}

interface ResponseBody {
  status: string;
  output: Array<{ type: string; call_id?: string }>;
}

/** A counter with labels (0 before its first increment: prom-client lists only label sets it has seen). */
async function labelled(h: Harness, series: string): Promise<number> {
  const res = await request(h.url).get('/metrics').set('authorization', `Bearer ${PROXY_KEY}`);
  const escaped = series.replace(/[{}"]/g, (c) => `\\${c}`);
  return Number(new RegExp(`^${escaped} (\\d+)`, 'm').exec(res.text)?.[1] ?? 0);
}

function cutCount(h: Harness): Promise<number> {
  return metric(h, 'kiro_gateway_tool_calls_cut_total');
}
