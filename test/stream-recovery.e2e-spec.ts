import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { kiroCalls } from './agents/agent-support';
import { textEvents, textReply, throttled, toolCallEvents, type Scenario, type SimEvent } from './simulator';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Kiro's failures absorbed inside one response (issue 20): before the first content event the
 * call is asked again unseen; after it, the response is resumed from what was sent, restated
 * text and tool calls dropped; only once that budget is spent does the client see a failure.
 */
const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const ask = (content = 'question') => ({ model: 'claude-sonnet-4.5', messages: [{ role: 'user' as const, content }] });
const ANSWER = 'The first part of the answer, then the rest of it after the cut.';
const exception: SimEvent = { type: 'exception', exceptionType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };

/** The answer's first `chars` characters, then a failure (the frames of `ANSWER` in 8-character pieces). */
const failingAfter = (chars: number, failure: 'exception' | 'cut'): Scenario => {
  const events = textEvents(ANSWER.slice(0, chars));
  return failure === 'exception' ? { kind: 'stream', events: [...events, exception] } : { kind: 'stream', events: [...events, ...textEvents('never sent')], cutAfterFrames: events.length };
};

async function recoveries(h: Harness, kind: 'retry' | 'resume'): Promise<number> {
  const text = (await request(h.url).get('/metrics').set(auth)).text;
  return Number(new RegExp(`^kiro_gateway_stream_recoveries_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

async function streamErrors(h: Harness): Promise<number> {
  const text = (await request(h.url).get('/metrics').set(auth)).text;
  return [...text.matchAll(/^kiro_gateway_stream_errors_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

function chatText(body: string): string {
  return parseSse(body)
    .flatMap((event) => (event !== '[DONE]' && Array.isArray(event.choices) ? event.choices : []))
    .map((choice) => (choice as { delta: { content?: string } }).delta.content ?? '')
    .join('');
}

describe('failures absorbed inside a response (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', BASE_RETRY_DELAY: '0.01' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('asks again, unseen, when Kiro fails after its 200 but before any content', async () => {
    h.sim.enqueue({ kind: 'stream', events: [exception] }, textReply(ANSWER));
    const before = await recoveries(h, 'retry');

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream: true });

    expect(res.status).toBe(200);
    expect(chatText(res.text)).toBe(ANSWER);
    expect(parseSse(res.text).at(-1)).toBe('[DONE]');
    expect((await recoveries(h, 'retry')) - before).toBe(1);
    expect(kiroCalls(h).map((call) => call.history.length)).toStrictEqual([0, 0]);
  });

  it('answers with a real 429 when every try failed before any content (the SDKs retry it)', async () => {
    const beforeContent: Scenario = { kind: 'stream', events: [exception] };
    h.sim.enqueue(beforeContent, beforeContent, beforeContent, beforeContent);

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream: true });

    expect(res.status).toBe(429);
    expect(res.body.error.type).toBe('rate_limit_error');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it.each(['exception', 'cut'] as const)('resumes after text was sent (%s): the client gets the whole answer once, and [DONE]', async (failure) => {
    // The resumed call restates the answer from its start, as models asked to go on often do.
    h.sim.enqueue(failingAfter(24, failure), textReply(ANSWER));
    const before = await recoveries(h, 'resume');

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream: true });

    expect(chatText(res.text)).toBe(ANSWER);
    expect(parseSse(res.text).at(-1)).toBe('[DONE]');
    expect((await recoveries(h, 'resume')) - before).toBe(1);
    const resumed = kiroCalls(h)[1];
    expect(resumed.history.at(-1)).toStrictEqual({ assistantResponseMessage: { content: ANSWER.slice(0, 24) } });
    expect(resumed.content).toMatch(/^Your previous answer was cut off by a network error\. Continue exactly where it stopped/);
  });

  it('resumes a non-stream reply too', async () => {
    h.sim.enqueue(failingAfter(24, 'exception'), textReply(ANSWER.slice(24)));

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send(ask());

    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe(ANSWER);
  });

  it('re-asks for a whole tool call when Kiro fails inside it: Claude Code gets the call once, whole', async () => {
    const args = JSON.stringify({ command: 'echo resumed', description: 'Run it' });
    const calling = (id: string) => [...textEvents('Running it. '), ...toolCallEvents(id, 'Bash', args)];
    h.sim.enqueue({ kind: 'stream', events: [...calling('tooluse_first').slice(0, -2), exception] }, { kind: 'stream', events: calling('tooluse_second') });
    const client = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });

    const message = await client.messages
      .stream({ model: 'claude-sonnet-4-5', max_tokens: 100, tools: [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }], messages: [{ role: 'user', content: 'run' }] })
      .finalMessage();

    expect(message.content).toStrictEqual([
      { type: 'text', text: 'Running it. ' },
      { type: 'tool_use', id: 'tooluse_second', name: 'Bash', input: { command: 'echo resumed', description: 'Run it' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('stops after two resumes: the client gets an error, never a clean end', async () => {
    h.sim.enqueue(failingAfter(8, 'exception'), failingAfter(16, 'exception'), failingAfter(24, 'exception'));
    const before = await streamErrors(h);

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream: true });

    const events = parseSse(res.text);
    expect(chatText(res.text)).toBe(ANSWER.slice(0, 24));
    expect(events.at(-1)).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
    expect(events).not.toContain('[DONE]');
    expect(kiroCalls(h)).toHaveLength(3);
    expect((await streamErrors(h)) - before).toBe(1);
  });
});

describe('resuming switched off (STREAM_MAX_RESUMES=0, e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false', STREAM_MAX_RESUMES: '0' } });
  });
  afterAll(() => h.close());

  it('ends the stream with its error event at the first failure after content', async () => {
    h.sim.enqueue(failingAfter(24, 'exception'), textReply(ANSWER));

    const res = await request(h.url).post('/v1/chat/completions').set(auth).send({ ...ask(), stream: true });

    expect(parseSse(res.text).at(-1)).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect(kiroCalls(h)).toHaveLength(1);
  });
});

describe('chaos in the simulator, p = 0.3 (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: { FAKE_REASONING: 'false', BASE_RETRY_DELAY: '0.01', FIRST_TOKEN_TIMEOUT: '0.2' },
      simulator: { defaultScenario: textReply(ANSWER), chaos: { probability: 0.3, seed: 6, slowFirstTokenMs: 1_000 } },
    });
  });
  afterAll(() => h.close());

  it('answers every one of 40 streamed requests whole, while faults of every kind were injected', async () => {
    const openai = h.openai();
    const answers: string[] = [];

    for (let i = 0; i < 40; i++) {
      const stream = await openai.chat.completions.create({ ...ask(`question ${i}`), stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      answers.push(text);
    }

    expect(answers).toStrictEqual(Array(40).fill(ANSWER));
    expect(await streamErrors(h)).toBe(0);
    const { calls, ...faults } = h.sim.chaosCounts!;
    expect(calls).toBeGreaterThan(40);
    expect(Object.values(faults).every((count) => count > 0)).toBe(true);
  });
});
