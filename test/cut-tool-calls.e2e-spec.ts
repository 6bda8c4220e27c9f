import request from 'supertest';
import { type SimEvent, textEvents } from './simulator';
import { Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';
import { metric } from './support/metrics';

/**
 * A tool call Kiro cuts off mid-arguments (kiro-protocol.md §9.8 case 1: no `stop`, no
 * contextUsageEvent) ends the turn cleanly in every API family — text and complete calls kept,
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

describe('tool calls Kiro cuts off (e2e)', () => {
  let h: Harness;
  const anthropic = (body: Record<string, unknown>) =>
    request(h.url).post('/v1/messages').set('x-api-key', PROXY_KEY).send({ model: 'claude-sonnet-4-5', max_tokens: 1000, tools: [WRITE_TOOL], messages: [{ role: 'user', content: 'Write a.txt and b.txt' }], ...body });

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
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

function cutCount(h: Harness): Promise<number> {
  return metric(h, 'kiro_gateway_tool_calls_cut_total');
}
