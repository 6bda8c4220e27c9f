import OpenAI from 'openai';
import request from 'supertest';
import { contextTooLong, INVALID_MODEL, serverError, textReply, throttled } from './simulator';
import { Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const ask = (content = 'question') => ({ model: 'claude-sonnet-4.5', messages: [{ role: 'user' as const, content }] });

describe('upstream failures before the first byte (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { MAX_RETRIES: '2', BASE_RETRY_DELAY: '0.01', FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('retries a 429 and answers once Kiro does', async () => {
    h.sim.enqueue(throttled(), textReply('recovered'));

    const completion = await h.openai().chat.completions.create(ask());

    expect(completion.choices[0].message.content).toBe('recovered');
    expect(h.sim.stats.chatRequests).toBe(2);
  });

  it('retries 5xx, then answers 429 in OpenAI\'s shape with Retry-After when throttling persists', async () => {
    h.sim.enqueue(serverError(), throttled(), throttled());

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(ask());

    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(res.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(res.body.error.message).toContain('Too many requests');
    expect(h.sim.stats.chatRequests).toBe(3);
  });

  it('honours Retry-After between attempts', async () => {
    h.sim.enqueue({ ...throttled(), headers: { 'retry-after': '1' } }, textReply('after the wait'));
    const started = Date.now();

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(ask());

    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('passes the Retry-After on when it is too long to wait for', async () => {
    h.sim.enqueue({ ...throttled(), headers: { 'retry-after': '120' } });

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(ask());

    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('120');
    expect(h.sim.stats.chatRequests).toBe(1);
  });

  it('answers 502 after persistent 5xx', async () => {
    h.sim.enqueue(serverError(), serverError(), serverError());

    const attempt = h.openai().chat.completions.create(ask());

    await expect(attempt).rejects.toMatchObject({ status: 502, error: { type: 'api_error', code: 'upstream_error' } });
    expect(h.sim.stats.chatRequests).toBe(3);
  });

  it('treats a 200 with an empty body as a failure, retried then 502', async () => {
    h.sim.enqueue({ kind: 'stream', events: [] }, { kind: 'stream', events: [] }, { kind: 'stream', events: [] });

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(ask());

    expect(res.status).toBe(502);
    expect(res.body.error.message).toBe('Kiro answered 200 with an empty stream');
    expect(h.sim.stats.chatRequests).toBe(3);
  });

  it('maps Kiro\'s context overflow to 400 context_length_exceeded without retrying', async () => {
    h.sim.enqueue(contextTooLong());

    const attempt = h.openai().chat.completions.create(ask());

    await expect(attempt).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(attempt).rejects.toMatchObject({ status: 400, error: { code: 'context_length_exceeded', param: 'messages' } });
    expect(h.sim.stats.chatRequests).toBe(1);
  });

  it('maps Kiro refusing a model (INVALID_MODEL_ID) to 404 model_not_found', async () => {
    h.sim.enqueue({ kind: 'http-error', status: 400, body: INVALID_MODEL });
    const attempt = h.openai().chat.completions.create(ask());

    await expect(attempt).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(attempt).rejects.toMatchObject({ status: 404, error: { code: 'model_not_found', param: 'model' } });
  });
});

describe('oversized requests (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { KIRO_MAX_PAYLOAD_BYTES: '20000' } });
  });
  afterAll(() => h.close());

  it('refuses a conversation too large for Kiro before any upstream call', async () => {
    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(ask('x'.repeat(30_000)));

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });
    expect(res.body.error.message).toContain('KIRO_MAX_PAYLOAD_BYTES');
    expect(h.sim.stats.chatRequests).toBe(0);
  });
});

describe('timeouts (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: {
        FIRST_TOKEN_TIMEOUT: '0.3',
        FIRST_TOKEN_MAX_RETRIES: '1',
        STREAM_READ_TIMEOUT: '0.4',
        NON_STREAM_TIMEOUT: '1.5',
        SLOW_MODEL_TIMEOUT_MULTIPLIER: '5',
        FAKE_REASONING: 'false',
        // A silence mid-answer as the client sees it when it cannot be resumed.
        STREAM_MAX_RESUMES: '0',
      },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('retries a first token that does not come, then answers', async () => {
    h.sim.enqueue({ kind: 'hang' }, textReply('second try'));

    const completion = await h.openai().chat.completions.create(ask());

    expect(completion.choices[0].message.content).toBe('second try');
    expect(h.sim.stats.chatRequests).toBe(2);
    await h.sim.waitFor((sim) => sim.stats.aborts === 1);
  });

  it('answers 504 once FIRST_TOKEN_MAX_RETRIES is used up, streaming or not', async () => {
    h.sim.enqueue({ ...textReply('too late'), firstByteDelayMs: 3_000 }, { kind: 'hang' });

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream: true });

    expect(res.status).toBe(504);
    expect(res.body.error).toMatchObject({ type: 'timeout_error', code: 'upstream_timeout' });
    expect(h.sim.stats.chatRequests).toBe(2);
  });

  it('gives slow models the timeout multiplier', async () => {
    h.sim.enqueue({ ...textReply('opus is thinking slowly'), firstByteDelayMs: 600 });

    const completion = await h.openai().chat.completions.create({ ...ask(), model: 'claude-opus-4-5' });

    expect(completion.choices[0].message.content).toBe('opus is thinking slowly');
    expect(h.sim.stats.chatRequests).toBe(1);
  });

  it('ends a stream that goes silent with an error event the openai client raises, keeping the text sent', async () => {
    h.sim.enqueue({ ...textReply('partial answer', { chunkChars: 4 }), hangAfterFrames: 2 });

    const stream = await h.openai().chat.completions.create({ ...ask(), stream: true });
    let text = '';
    const consume = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    };

    await expect(consume()).rejects.toThrow(/stopped sending/);
    expect(text).toBe('partial ');
  });

  it('bounds a whole non-stream call with NON_STREAM_TIMEOUT', async () => {
    h.sim.enqueue({ ...textReply('slow drip', { chunkChars: 1 }), frameDelayMs: 250 });

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(ask());

    expect(res.status).toBe(504);
    expect(res.body.error.message).toContain('NON_STREAM_TIMEOUT');
    await h.sim.waitFor((sim) => sim.stats.aborts === 1);
  });
});

describe('a first frame without content, then silence (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FIRST_TOKEN_TIMEOUT: '0.3', STREAM_READ_TIMEOUT: '60', FAKE_REASONING: 'false' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it.each([false, true])('asks again, unseen, when Kiro sends a non-content frame and then nothing (stream: %s)', async (stream) => {
    // First bytes arrive (so the first-token wait is over), but no text within FIRST_TOKEN_TIMEOUT;
    // STREAM_READ_TIMEOUT is far beyond the test's own timeout, so only the first-content timer can end the wait.
    const silentAfterMetadata = { kind: 'stream' as const, events: [{ type: 'metadata' as const }, { type: 'text' as const, content: 'never sent' }], hangAfterFrames: 1 };
    h.sim.enqueue(silentAfterMetadata, textReply('second try'));

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream });

    expect(res.status).toBe(200);
    const text = stream
      ? parseSse(res.text)
          .map((e) => (e === '[DONE]' ? '' : ((e as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')))
          .join('')
      : (res.body as { choices: { message: { content: string } }[] }).choices[0].message.content;
    expect(text).toBe('second try');
    expect(h.sim.stats.chatRequests).toBe(2);
    await h.sim.waitFor((sim) => sim.stats.aborts === 1);
  });
});

describe('failures in the middle of a stream (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    // Each failure as the client sees it once Kiro cannot be asked again (stream-recovery.e2e-spec covers the asking).
    h = await startHarness({ env: { FAKE_REASONING: 'false', MAX_RETRIES: '0', STREAM_MAX_RESUMES: '0' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  const failingMidStream = (exceptionType: string, message: string) => ({
    kind: 'stream' as const,
    events: [
      { type: 'text' as const, content: 'Partial ' },
      { type: 'text' as const, content: 'answer.' },
      { type: 'exception' as const, exceptionType, message },
    ],
  });

  it('ends with one error event and no [DONE] after an exception frame', async () => {
    h.sim.enqueue(failingMidStream('InternalServerException', 'Something broke upstream.'));

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream: true });

    const events = parseSse(res.text);
    expect(res.status).toBe(200);
    expect(events[events.length - 1]).toEqual({
      error: {
        message: 'Kiro failed mid-stream: InternalServerException: Something broke upstream.',
        type: 'api_error',
        param: null,
        code: 'upstream_error',
      },
    });
    expect(events).not.toContain('[DONE]');
    const finishes = events.flatMap((e) => (e !== '[DONE]' && Array.isArray(e.choices) ? e.choices : [])).map((c) => (c as { finish_reason: unknown }).finish_reason);
    expect(finishes.filter(Boolean)).toEqual([]);
  });

  it('makes the openai client raise the mid-stream error after yielding the text', async () => {
    h.sim.enqueue(failingMidStream('ThrottlingException', 'Too many requests, please wait before trying again.'));

    const stream = await h.openai().chat.completions.create({ ...ask(), stream: true });
    let text = '';
    const consume = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    };

    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe('Partial answer.');
  });

  it('maps a mid-stream throttle to 429 for a non-stream call', async () => {
    h.sim.enqueue(failingMidStream('ThrottlingException', 'Too many requests, please wait before trying again.'));

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(ask());

    expect(res.status).toBe(429);
    expect(res.body.error.type).toBe('rate_limit_error');
  });

  it('ends with an error event when the connection is cut', async () => {
    h.sim.enqueue({ ...textReply('This reply is cut off', { chunkChars: 3 }), cutAfterFrames: 2 });

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream: true });

    const events = parseSse(res.text);
    const last = events[events.length - 1] as { error: { code: string; message: string } };
    expect(last.error.code).toBe('upstream_error');
    expect(last.error.message).toMatch(/cut mid-stream|inside a frame/);
    expect(events).not.toContain('[DONE]');
  });

  it("gives a cut connection one clear message streaming or not, without the HTTP client's internals", async () => {
    const cut = () => ({ ...textReply('This reply is cut off after three frames', { chunkChars: 3 }), cutAfterFrames: 3 });
    h.sim.enqueue(cut(), cut());

    const streamed = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream: true });
    const whole = await request(h.url).post('/v1/chat/completions').set(auth).send(ask());

    const events = parseSse(streamed.text);
    const streamedError = (events[events.length - 1] as { error: { message: string } }).error;
    expect(whole.status).toBe(502);
    expect(streamedError.message).toBe('The connection to Kiro was cut mid-stream, before the answer was complete.');
    expect(whole.body.error.message).toBe(streamedError.message);
    expect(JSON.stringify([streamedError, whole.body])).not.toMatch(/UND_ERR|HPE_|HTTP\/1\.1|socket|EOF/i);
  });

  it('reports output cut by Kiro (ContentLengthExceededException) as finish_reason length', async () => {
    h.sim.enqueue(failingMidStream('ContentLengthExceededException', 'Response exceeded the output limit.'));

    const completion = await h.openai().chat.completions.create(ask());

    expect(completion.choices[0].message.content).toBe('Partial answer.');
    expect(completion.choices[0].finish_reason).toBe('length');
  });
});

describe('Kiro unreachable (e2e)', () => {
  it('retries connection errors, then answers 502 and keeps serving', async () => {
    const h = await startHarness({ env: { MAX_RETRIES: '1', FAKE_REASONING: 'false' } });
    try {
      await h.openai().chat.completions.create(ask()); // a token, while the simulator is up
      const deadUrl = 'http://127.0.0.1:9';
      Object.assign(h.config.kiro, { apiHost: deadUrl });

      const res = await request(h.url).post('/v1/chat/completions').set(auth).send(ask());
      const health = await request(h.url).get('/');

      expect(res.status).toBe(502);
      expect(res.body.error.message).toMatch(/^Could not reach Kiro/);
      expect(health.status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
