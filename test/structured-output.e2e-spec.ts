import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

const CITY = {
  type: 'object',
  properties: { name: { type: 'string' }, population: { type: 'integer' } },
  required: ['name', 'population'],
  additionalProperties: false,
};
const EXPECTED = { name: 'example', population: 1 };

/**
 * Structured output through the SDKs' own parse() helpers. Kiro has no JSON mode: the gateway
 * puts the schema in an instruction on the current turn, and the simulator answers it as a model
 * following that instruction does.
 */
describe('structured output (e2e, OpenAI and Anthropic SDKs)', () => {
  let h: Harness;
  let openai: OpenAI;

  beforeAll(async () => {
    h = await startHarness({ env: { MAX_RETRIES: '0' } });
    openai = h.openai();
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  function lastKiroTurn(): string {
    const body = h.sim.requests.filter((r) => r.path === '/generateAssistantResponse').at(-1)?.body as { conversationState: { currentMessage: { userInputMessage: { content: string } } } };
    return body.conversationState.currentMessage.userInputMessage.content;
  }

  it('chat completions: response_format json_schema is parsed by chat.completions.parse', async () => {
    const reply = await openai.chat.completions.parse({
      model: 'claude-sonnet-4.5',
      messages: [{ role: 'user', content: 'The largest city in Japan?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema: CITY, strict: true } },
    });

    expect(reply.choices[0].message.parsed).toStrictEqual(EXPECTED);
    expect(lastKiroTurn()).toContain(`JSON Schema "city" below.`);
    expect(lastKiroTurn()).toContain(JSON.stringify(CITY));
  });

  it('chat completions: json_object mode, streamed', async () => {
    const stream = await openai.chat.completions.create({ model: 'claude-sonnet-4.5', stream: true, messages: [{ role: 'user', content: 'Hi' }], response_format: { type: 'json_object' } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';

    expect(JSON.parse(text)).toStrictEqual({ answer: 'Hello from the Kiro simulator!' });
  });

  it('Responses: text.format json_schema is parsed by responses.parse and echoed in the response', async () => {
    const response = await openai.responses.parse({
      model: 'claude-sonnet-4.5',
      input: 'The largest city in Japan?',
      text: { format: { type: 'json_schema', name: 'city', schema: CITY, strict: true } },
    });

    expect(response.output_parsed).toStrictEqual(EXPECTED);
    expect(response.text?.format).toEqual({ type: 'json_schema', name: 'city', schema: CITY, strict: true });
  });

  it('Anthropic: output_config.format is parsed by messages.parse', async () => {
    const anthropic = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });

    const message = await anthropic.messages.parse({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'The largest city in Japan?' }],
      output_config: { format: { type: 'json_schema', schema: CITY } },
    });

    expect(message.parsed_output).toStrictEqual(EXPECTED);
  });

  it('a format the gateway cannot honour is a 400 naming the field, before Kiro is called', async () => {
    const attempt = openai.chat.completions.create({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'Hi' }], response_format: { type: 'grammar' } as never });

    await expect(attempt).rejects.toMatchObject({ status: 400, param: 'response_format.type' });
    expect(h.sim.requests.filter((r) => r.path === '/generateAssistantResponse')).toHaveLength(0);
  });
});
