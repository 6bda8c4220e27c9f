import request from 'supertest';
import { type Harness, parseSse, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * The README's table of `[sim:…]` directives, row by row: what the demo shows for each, through
 * the gateway, with no scripted scenario (the simulator reads the message, as in the demo).
 */

const chat = (h: Harness, content: string, extra: Record<string, unknown> = {}): request.Test =>
  request(h.url)
    .post('/v1/chat/completions')
    .set('Authorization', `Bearer ${PROXY_KEY}`)
    .send({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content }], ...extra });

describe('the demo directives, as the README describes them (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { MAX_RETRIES: '1', BASE_RETRY_DELAY: '0.01' } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it('[sim:exception] is a ThrottlingException mid-stream: the stream ends with a rate_limit_error event', async () => {
    const res = await chat(h, '[sim:exception] hi', { stream: true });

    const events = parseSse(res.text);
    expect(res.status).toBe(200);
    expect(events).not.toContain('[DONE]');
    expect(events[events.length - 1]).toEqual({
      error: { message: expect.stringContaining('ThrottlingException'), type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    });
  });

  it('[sim:exception] without streaming is a 429 rate_limit_error', async () => {
    const res = await chat(h, '[sim:exception] hi');

    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  });

  it('[sim:overflow] is a 400 context_length_exceeded', async () => {
    const res = await chat(h, '[sim:overflow] hi');

    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'context_length_exceeded' });
  });

  it('[sim:error500] is retried, then a 502', async () => {
    const res = await chat(h, '[sim:error500] hi');

    expect(res.status).toBe(502);
    expect(h.sim.stats.chatRequests).toBe(2);
  });

  it('[sim:tool] calls the first declared tool', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

    const res = await chat(h, '[sim:tool] weather?', { tools });

    expect(res.body.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"sim-city"}' } }] },
    });
  });

  describe('[sim:cuttool]', () => {
    const tools = [{ type: 'function', function: { name: 'Write', parameters: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] } } }];

    it('cuts the call off; asked again, a whole smaller call comes in the same answer', async () => {
      const res = await chat(h, '[sim:cuttool] write it', { tools });

      expect(res.body.choices[0]).toMatchObject({
        finish_reason: 'tool_calls',
        message: { tool_calls: [{ type: 'function', function: { name: 'Write', arguments: JSON.stringify({ path: 'sim-path', content: 'x'.repeat(100) }) } }] },
      });
      expect(h.sim.stats.chatRequests).toBe(2);
    });

    it('[sim:cuttool always] is cut again when asked: finish_reason length, no call', async () => {
      const res = await chat(h, '[sim:cuttool always] write it', { tools });

      expect(res.body.choices[0].finish_reason).toBe('length');
      expect(res.body.choices[0].message.tool_calls).toBeUndefined();
      expect(h.sim.stats.chatRequests).toBe(2);
    });

    it('[sim:cuttool TOOL {json}] makes that call whole when asked again', async () => {
      const args = JSON.stringify({ path: 'big.txt', content: 'line\\n'.repeat(40) });

      const res = await chat(h, `[sim:cuttool Write ${args}]`, { tools });

      expect(res.body.choices[0].message.tool_calls[0].function.arguments).toBe(args);
    });
  });

  it('[sim:thinking] answers with reasoning_content first', async () => {
    const res = await chat(h, '[sim:thinking] think');

    expect(res.body.choices[0].message).toMatchObject({
      reasoning_content: 'The user asked for a thinking demo, so I reason here first.',
      content: 'Here is the answer, given after the thinking block.',
    });
  });
});
