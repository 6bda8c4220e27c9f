import OpenAI from 'openai';
import request from 'supertest';
import { textReply } from './simulator';
import { Harness, leaveStreamAfter, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

const MIXED_TEXT = 'Hello, 世界! Emoji 🎉👩‍💻 and CJK 我将为您创建一个高级天气展示卡片 — done.';

describe('POST /v1/chat/completions (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('answers a non-stream call in the chat.completion shape through the openai client', async () => {
    h.sim.enqueue(textReply('Hi there!', { contextUsagePercentage: 1, meteringUsage: 0.02 }));

    const completion = await h.openai().chat.completions.create({
      model: 'claude-sonnet-4-5-20250929',
      messages: [{ role: 'user', content: 'Hello' }],
    });

    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('claude-sonnet-4-5-20250929');
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'Hi there!', refusal: null }, logprobs: null, finish_reason: 'stop' },
    ]);
    // The local count of "Hello": Kiro's context percentage (1 %) is not usage.
    expect(completion.usage).toEqual({ prompt_tokens: 1, completion_tokens: 3, total_tokens: 4, credits_used: 0.02 });
  });

  it('sends Kiro the resolved model id and the IDE headers', async () => {
    h.sim.enqueue(textReply('ok'));

    await h.openai().chat.completions.create({ model: 'claude-haiku-4-5-20251001', messages: [{ role: 'user', content: 'Hello' }] });

    const call = h.sim.requests.find((r) => r.path === '/generateAssistantResponse');
    const body = call?.body as { conversationState: { currentMessage: { userInputMessage: { modelId: string; content: string } } } };
    expect(body.conversationState.currentMessage.userInputMessage.modelId).toBe('claude-haiku-4.5');
    expect(body.conversationState.currentMessage.userInputMessage.content).toBe('Hello');
    expect(call?.headers['user-agent']).toMatch(/KiroIDE-\d+\.\d+\.\d+-[0-9a-f]{64}$/);
    expect(call?.headers['x-amzn-codewhisperer-optout']).toBe('true');
  });

  it('keeps the upstream connection alive for streams too (KIRO_STREAM_CONNECTION_CLOSE defaults to false; true is in kiro-connections)', async () => {
    h.sim.enqueue(textReply('a'), textReply('b'));

    await h.openai().chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x' }] });
    const stream = await h.openai().chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'y' }], stream: true });
    for await (const _chunk of stream) void _chunk;

    const calls = h.sim.requests.filter((r) => r.path === '/generateAssistantResponse');
    expect(calls.map((c) => c.headers.connection)).toEqual(['keep-alive', 'keep-alive']);
  });

  it.each([
    ['one code point per frame, 3-byte TCP writes', { chunkChars: 1 }, { everyBytes: 3 }],
    ['two code points per frame, 1-byte TCP writes', { chunkChars: 2 }, { everyBytes: 1 }],
    ['five code points per frame, whole body in one write', { chunkChars: 5 }, 'whole' as const],
  ])('gives identical text stream and non-stream with CJK and emoji split (%s)', async (_label, reply, split) => {
    const scenario = { ...textReply(MIXED_TEXT, reply), split };
    h.sim.enqueue(scenario, scenario);
    const client = h.openai();

    const whole = await client.chat.completions.create({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'x' }] });
    const stream = await client.chat.completions.create({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'x' }], stream: true });
    let streamed = '';
    const finishReasons: Array<string | null> = [];
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      finishReasons.push(chunk.choices[0]?.finish_reason ?? null);
    }

    expect(whole.choices[0].message.content).toBe(MIXED_TEXT);
    expect(streamed).toBe(MIXED_TEXT);
    expect(finishReasons.filter(Boolean)).toEqual(['stop']);
  });

  it('streams the exact OpenAI chunk grammar, with a usage chunk when asked', async () => {
    // Frames 20 ms apart arrive in separate reads; frames read together become one delta.
    h.sim.enqueue({ ...textReply('Hey you', { chunkChars: 4, contextUsagePercentage: 0.5 }), frameDelayMs: 20 });

    const res = await request(h.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${PROXY_KEY}`)
      .send({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(res.text);
    const chunks = events.slice(0, -1) as Array<Record<string, unknown>>;
    const id = chunks[0].id;
    expect(chunks.every((c) => c.id === id && c.object === 'chat.completion.chunk' && c.model === 'auto')).toBe(true);
    expect(chunks.map((c) => (c.choices as unknown[])[0] ?? null)).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Hey ' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'you' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
      null,
    ]);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks[chunks.length - 1].usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, credits_used: 0.01 });
    expect(events[events.length - 1]).toBe('[DONE]');
  });

  it('keeps identical consecutive deltas (they are real text)', async () => {
    h.sim.enqueue({ kind: 'stream', events: [{ type: 'text', content: 'ha' }, { type: 'text', content: 'ha' }, { type: 'text', content: '\n\n' }, { type: 'text', content: '\n\n' }] });

    const completion = await h.openai().chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'laugh' }] });

    expect(completion.choices[0].message.content).toBe('haha\n\n\n\n');
  });

  it('never shows follow-up prompts or unknown events', async () => {
    h.sim.enqueue({
      kind: 'stream',
      events: [
        { type: 'text', content: 'Answer.' },
        { type: 'followupPrompt', content: 'Ask me more!' },
        { type: 'unknown', eventType: 'supplementaryWebLinksEvent', payload: { supplementaryWebLinks: [] } },
      ],
    });

    const completion = await h.openai().chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'q' }] });

    expect(completion.choices[0].message.content).toBe('Answer.');
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    h.sim.enqueue({ ...textReply('x'.repeat(200), { chunkChars: 1 }), frameDelayMs: 20 });

    await leaveStreamAfter(`${h.url}/v1/chat/completions`, { authorization: `Bearer ${PROXY_KEY}` }, { model: 'auto', stream: true, messages: [{ role: 'user', content: 'long' }] });

    await h.sim.waitFor((sim) => sim.stats.aborts === 1, 5_000);
    expect(h.sim.stats.completedStreams).toBe(0);
    expect(h.sim.stats.activeStreams).toBe(0);
  });

  it('rejects n > 1 with a clear 400', async () => {
    const attempt = h.openai().chat.completions.create({ model: 'auto', n: 2, messages: [{ role: 'user', content: 'q' }] });

    await expect(attempt).rejects.toMatchObject({ status: 400, error: { type: 'invalid_request_error', param: 'n', code: 'unsupported_value' } });
    expect(h.sim.stats.chatRequests).toBe(0);
  });
});

describe('authentication (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('raises the openai AuthenticationError for a wrong key, in OpenAI\'s envelope', async () => {
    const attempt = h.openai('wrong-key').chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'q' }] });

    await expect(attempt).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(attempt).rejects.toMatchObject({ status: 401, error: { type: 'authentication_error', code: 'invalid_api_key', param: null } });
  });

  it.each([
    ['no credentials', {}],
    ['an empty bearer', { Authorization: 'Bearer ' }],
    ['a wrong x-api-key', { 'x-api-key': 'nope' }],
  ])('answers 401 with %s', async (_label, headers) => {
    const res = await request(h.url).get('/v1/models').set(headers);

    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { message: expect.stringContaining('API key'), type: 'authentication_error', param: null, code: 'invalid_api_key' },
    });
  });

  it.each([
    ['Bearer', { Authorization: `Bearer ${PROXY_KEY}` }],
    ['raw Authorization (Swagger UI)', { Authorization: PROXY_KEY }],
    ['x-api-key', { 'x-api-key': PROXY_KEY }],
  ])('accepts the key as %s', async (_label, headers) => {
    const res = await request(h.url).get('/v1/models').set(headers);

    expect(res.status).toBe(200);
    expect(res.body.object).toBe('list');
  });

  it('never echoes the presented key in the error', async () => {
    const res = await request(h.url).get('/v1/models').set('Authorization', 'Bearer sk-very-secret-guess');

    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain('sk-very-secret-guess');
  });
});
