import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { textReply, toolCallReply } from './simulator';
import { ConverterService } from '../src/converter/converter.service';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * What every API family gets the same from the one generation pipeline: a tool call whose
 * arguments are not a JSON object is a clean error in the family's own shape (never a crash,
 * never `input: null`), and a stream that goes quiet is kept alive the way the family's clients
 * expect.
 */
const WRITE = { name: 'Write', description: 'Write a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } };
const OPENAI_WRITE = { type: 'function', function: { name: 'Write', description: 'Write a file', parameters: WRITE.input_schema } };
const RESPONSES_WRITE = { type: 'function', name: 'Write', description: 'Write a file', parameters: WRITE.input_schema };
const APPLY_PATCH = { type: 'custom', name: 'apply_patch', description: 'Apply a patch' };

/** `event:` + `data:` blocks as they are on the wire (comments kept as `: …` lines). */
function sseBlocks(text: string): Array<{ event?: string; data?: Record<string, unknown>; comment?: string }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const comment = lines.find((line) => line.startsWith(': '))?.slice(2);
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6);
      return { ...(comment !== undefined ? { comment } : {}), ...(event !== undefined ? { event } : {}), ...(data !== undefined && data !== '[DONE]' ? { data: JSON.parse(data) as Record<string, unknown> } : {}) };
    });
}

describe('one generation pipeline for every API family (e2e)', () => {
  let h: Harness;
  const post = (path: string, body: Record<string, unknown>) => request(h.url).post(path).set('Authorization', `Bearer ${PROXY_KEY}`).send(body);
  const chat = (body: Record<string, unknown>) => post('/v1/chat/completions', { model: 'auto', messages: [{ role: 'user', content: 'write it' }], tools: [OPENAI_WRITE], ...body });
  const messages = (body: Record<string, unknown>) => post('/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'write it' }], tools: [WRITE], ...body });
  const responses = (body: Record<string, unknown>) => post('/v1/responses', { model: 'auto', input: 'write it', tools: [RESPONSES_WRITE, APPLY_PATCH], ...body });

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', MAX_RETRIES: '0', STREAM_MAX_RESUMES: '0', STREAM_KEEPALIVE_INTERVAL: '0.1' } });
  });
  afterAll(() => h.close());

  // message_start carries the prompt's token count: a 400 KB agent turn costs milliseconds to
  // count, which belong in Kiro's own wait, not between its first token and the client's.
  it.each([
    ['Anthropic stream', () => messages({ stream: true, tools: undefined })],
    ['OpenAI chat, non-stream', () => chat({ tools: undefined })],
  ])('counts the prompt (%s) while Kiro works, before its first byte', async (_name, send) => {
    const converter = h.app.get(ConverterService);
    const counted: number[] = [];
    const count = converter.countPromptTokens.bind(converter);
    const spy = jest.spyOn(converter, 'countPromptTokens').mockImplementation((conversation) => {
      counted.push(performance.now());
      return count(conversation);
    });
    h.sim.enqueue({ ...textReply('Counted.'), firstByteDelayMs: 400 });
    try {
      const started = performance.now();
      const res = await send();

      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(400);
      expect(counted.length).toBeGreaterThanOrEqual(1);
      expect(counted[0] - started).toBeLessThan(400);
    } finally {
      spy.mockRestore();
    }
  });

  // Kiro's toolUseEvent input can be any JSON: these are valid JSON, and not the object every API takes.
  describe.each(['null', '5', '"x"', '[]'])('a tool call whose arguments are %s', (args) => {
    const badCall = (name = 'Write') => toolCallReply('tooluse_bad', name, args, { leadingText: 'Writing. ' });
    const MESSAGE = `The model finished the "Write" tool call with ${args.length} characters of arguments that are valid JSON but not an object. Sending the request again usually gives a well-formed call.`;

    it('ends an OpenAI chat stream with one error event, no tool call and no [DONE]', async () => {
      h.sim.enqueue(badCall());

      const res = await chat({ stream: true });

      const events = parseSse(res.text);
      expect(res.status).toBe(200);
      expect(events.at(-1)).toEqual({ error: { message: MESSAGE, type: 'api_error', param: null, code: 'tool_call_invalid_arguments' } });
      expect(res.text).not.toContain('tool_calls');
      expect(events).not.toContain('[DONE]');
    });

    it('answers a non-stream OpenAI chat request with a 502 in OpenAI\'s envelope', async () => {
      h.sim.enqueue(badCall());

      const res = await chat({});

      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: { message: MESSAGE, type: 'api_error', param: null, code: 'tool_call_invalid_arguments' } });
    });

    it('ends an Anthropic stream with an error event and no tool_use block', async () => {
      h.sim.enqueue(badCall());

      const res = await messages({ stream: true });

      const blocks = sseBlocks(res.text).filter((block) => block.event !== 'ping');
      expect(res.status).toBe(200);
      // A malformed call is worth asking again for: overloaded_error is what Claude Code retries in a stream.
      expect(blocks.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: MESSAGE } } });
      expect(res.text).not.toContain('tool_use');
    });

    it('answers a non-stream Anthropic request with a 502 in Anthropic\'s shape, never input: null', async () => {
      h.sim.enqueue(badCall());

      const res = await messages({});

      expect(res.status).toBe(502);
      expect(res.body).toEqual({ type: 'error', error: { type: 'api_error', message: MESSAGE } });
    });

    it.each(['Write', 'apply_patch'])('ends a Responses stream calling %s with response.failed, the process still serving', async (tool) => {
      h.sim.enqueue(badCall(tool));

      const res = await responses({ stream: true });

      const blocks = sseBlocks(res.text);
      const last = blocks.at(-1)!;
      expect(res.status).toBe(200);
      expect(last.event).toBe('response.failed');
      expect(last.data?.response).toMatchObject({ status: 'failed', error: { code: 'tool_call_invalid_arguments', message: MESSAGE.replace('"Write"', `"${tool}"`) } });
      expect(blocks.map((block) => (block.data?.item as { type?: string } | undefined)?.type)).not.toContain(tool === 'Write' ? 'function_call' : 'custom_tool_call');
      h.sim.enqueue(textReply('still here'));
      expect((await responses({ tools: [] })).body.output[0].content[0].text).toBe('still here');
    });

    it('answers a non-stream Responses request with a 502', async () => {
      h.sim.enqueue(badCall('apply_patch'));

      const res = await responses({});

      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({ type: 'api_error', code: 'tool_call_invalid_arguments' });
    });
  });

  describe('a stream that goes quiet while a tool call is written', () => {
    /** Text, then a Write call in fragments Kiro sends slowly: nothing reaches the client until it is whole. */
    const slowCall = () => ({ ...toolCallReply('tooluse_w', 'Write', '{"path":"a.txt"}', { leadingText: 'Writing the file. ', fragments: 4 }), frameDelayMs: 120 });

    it('gets SSE comment keep-alives on OpenAI chat, which the openai client reads past', async () => {
      h.sim.enqueue(slowCall());
      const res = await chat({ stream: true });
      h.sim.enqueue(slowCall());

      const stream = await h.openai().chat.completions.create({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'write it' }], tools: [OPENAI_WRITE] as never });
      const names: string[] = [];
      for await (const chunk of stream) for (const call of chunk.choices[0]?.delta.tool_calls ?? []) if (call.function?.name) names.push(call.function.name);

      const blocks = sseBlocks(res.text);
      const firstToolCall = blocks.findIndex((block) => JSON.stringify(block.data ?? {}).includes('tool_calls'));
      expect(blocks.slice(0, firstToolCall).filter((block) => block.comment === 'keep-alive').length).toBeGreaterThan(0);
      expect(res.text).toMatch(/\n\n: keep-alive\n\n/);
      expect(names).toEqual(['Write']);
    });

    it('gets ping events on Anthropic, which the Anthropic SDK reads past', async () => {
      h.sim.enqueue(slowCall());
      const res = await messages({ stream: true });
      h.sim.enqueue(slowCall());

      const message = await new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 }).messages
        .stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'write it' }], tools: [WRITE as never] })
        .finalMessage();

      const blocks = sseBlocks(res.text);
      const toolStart = blocks.findIndex((block) => block.event === 'content_block_start' && JSON.stringify(block.data).includes('tool_use'));
      // The first ping follows message_start, as Anthropic's own streams have it; later ones keep the stream alive.
      const pings = blocks.slice(2, toolStart).filter((block) => block.event === 'ping');
      expect(pings.length).toBeGreaterThan(0);
      expect(pings[0]).toEqual({ event: 'ping', data: { type: 'ping' } });
      expect(message.content.at(-1)).toEqual({ type: 'tool_use', id: 'tooluse_w', name: 'Write', input: { path: 'a.txt' } });
    });

    it('gets numbered keepalive events on Responses, which the openai Responses stream reads past', async () => {
      h.sim.enqueue(slowCall());
      const res = await responses({ stream: true });
      h.sim.enqueue(slowCall());

      const final = await h.openai().responses.stream({ model: 'auto', input: 'write it', tools: [RESPONSES_WRITE as never] }).finalResponse();

      const events = sseBlocks(res.text);
      const keepalives = events.filter((block) => block.event === 'keepalive');
      expect(keepalives.length).toBeGreaterThan(0);
      expect(keepalives[0].data).toEqual({ type: 'keepalive', sequence_number: expect.any(Number) });
      expect(events.map((block) => block.data?.sequence_number)).toEqual(events.map((_, i) => i));
      expect(events.at(-1)?.event).toBe('response.completed');
      expect(final.status).toBe('completed');
      expect(final.output.at(-1)).toMatchObject({ type: 'function_call', name: 'Write', arguments: '{"path":"a.txt"}' });
    });
  });
});
