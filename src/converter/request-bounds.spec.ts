import { parseGatewayEnv } from '../config/env.schema';
import { ContextTooLongError, RequestBoundError } from '../common/errors';
import { checkAnthropicRequestBounds, checkChatRequestBounds, checkResponsesRequestBounds, type BoundsContext } from './request-bounds';

const limits = parseGatewayEnv({
  PROXY_API_KEY: 'k',
  MAX_MESSAGES: '3',
  MAX_CONTENT_BLOCKS: '4',
  MAX_TOOLS: '2',
  MAX_STOP_SEQUENCES: '2',
  MAX_IMAGE_BYTES: '300b',
  MAX_REQUEST_IMAGE_BYTES: '400b',
}).limits;
const counted: BoundsContext = { limits };
const toKiro: BoundsContext = { limits, kiroPayloadBytes: 1_000 };
const user = (content: unknown) => ({ role: 'user', content });

/** The error a check throws, as what a client would read. */
function refusal(check: () => void): { type: string; param: string | null; message: string } | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    if (!(err instanceof RequestBoundError) && !(err instanceof ContextTooLongError)) throw err;
    return { type: err.code ?? '', param: err.param, message: err.message };
  }
}

describe(checkChatRequestBounds.name, () => {
  it('lets a request within every bound through', () => {
    expect(refusal(() => checkChatRequestBounds({ messages: [user('hi'), user([{ type: 'text', text: 'a' }])], tools: [{}], stop: ['x'] }, toKiro))).toBeUndefined();
  });

  it.each([
    [{ messages: [user('a'), user('b'), user('c'), user('d')] }, 'messages', 'MAX_MESSAGES'],
    [{ messages: [user([{}, {}, {}]), { role: 'assistant', tool_calls: [{}, {}] }] }, 'messages[1].tool_calls[1]', 'MAX_CONTENT_BLOCKS'],
    [{ messages: [user('a')], tools: [{}, {}], functions: [{}] }, 'tools', 'MAX_TOOLS'],
    [{ messages: [user('a')], stop: ['1', '2', '3', '4', '5'] }, 'stop', "OpenAI's limit"],
    [{ messages: [user('a')], stop: 'x'.repeat(1_001) }, 'stop', '1000 characters'],
    [{ messages: [user([{ type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(404)}` } }])] }, 'messages[0].content[0].image_url', 'MAX_IMAGE_BYTES'],
  ])('refuses %j naming %s and %s', (request, param, bound) => {
    const answer = refusal(() => checkChatRequestBounds(request, counted));

    expect(answer).toMatchObject({ type: 'request_bound_exceeded', param });
    expect(answer?.message).toContain(bound);
  });

  it('calls too many messages for Kiro a context overflow, which agents answer by compacting', () => {
    const answer = refusal(() => checkChatRequestBounds({ messages: [user('a'), user('b'), user('c'), user('d')] }, toKiro));

    expect(answer).toMatchObject({ type: 'context_length_exceeded' });
    expect(answer?.message).toContain('MAX_MESSAGES');
  });

  it('refuses a conversation whose text alone is over Kiro\'s payload limit, before it is built', () => {
    const answer = refusal(() => checkChatRequestBounds({ messages: [user('x'.repeat(600)), { role: 'tool', tool_call_id: 'c', content: 'y'.repeat(600) }] }, toKiro));

    expect(answer).toMatchObject({ type: 'context_length_exceeded' });
    expect(answer?.message).toContain('KIRO_MAX_PAYLOAD_BYTES');
  });

  it('counts a repeated answer to one tool call once, and whitespace-only text not at all', () => {
    const repeated = { role: 'tool', tool_call_id: 'c', content: 'y'.repeat(600) };

    expect(refusal(() => checkChatRequestBounds({ messages: [repeated, repeated, user(' '.repeat(5_000))] }, toKiro))).toBeUndefined();
  });
});

describe(checkAnthropicRequestBounds.name, () => {
  const image = (chars: number) => ({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(chars) } });

  it('counts blocks inside tool results and system blocks', () => {
    const request = { system: [{ type: 'text', text: 's' }], messages: [user([{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, { type: 'text', text: 'c' }] }])] };

    expect(refusal(() => checkAnthropicRequestBounds(request, counted))).toMatchObject({ param: 'messages.0.content.0.content.2' });
  });

  it('bounds stop_sequences by MAX_STOP_SEQUENCES', () => {
    expect(refusal(() => checkAnthropicRequestBounds({ messages: [user('a')], stop_sequences: ['a', 'b', 'c'] }, counted))?.message).toContain('MAX_STOP_SEQUENCES');
  });

  it('adds images up against MAX_REQUEST_IMAGE_BYTES', () => {
    const answer = refusal(() => checkAnthropicRequestBounds({ messages: [user([image(300), image(300)])] }, counted));

    expect(answer).toMatchObject({ param: 'messages.0.content.1.source.data' });
    expect(answer?.message).toContain('MAX_REQUEST_IMAGE_BYTES');
  });

  it('skips what is malformed, for the converter to name', () => {
    expect(refusal(() => checkAnthropicRequestBounds({ messages: 'nope', tools: 'none', system: 42 }, counted))).toBeUndefined();
  });
});

describe(checkResponsesRequestBounds.name, () => {
  it('counts the previous response\'s turns with the input items', () => {
    expect(refusal(() => checkResponsesRequestBounds({ input: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }, 2, counted))).toMatchObject({ param: 'input' });
  });

  it('counts the parts of function call outputs', () => {
    const output = [{ type: 'input_text', text: 'a' }, { type: 'input_text', text: 'b' }, { type: 'input_text', text: 'c' }, { type: 'input_text', text: 'd' }, { type: 'input_text', text: 'e' }];

    expect(refusal(() => checkResponsesRequestBounds({ input: [{ type: 'function_call_output', call_id: 'c', output }] }, 0, counted))).toMatchObject({ param: 'input[0].content[4]' });
  });

  it('counts the function tools inside a Codex namespace as tools', () => {
    const namespace = { type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'a' }, { type: 'function', name: 'b' }] };

    expect(refusal(() => checkResponsesRequestBounds({ input: 'hi', tools: [namespace] }, 0, counted))).toBeUndefined();
    expect(refusal(() => checkResponsesRequestBounds({ input: 'hi', tools: [namespace, { type: 'function', name: 'c' }] }, 0, counted))).toMatchObject({ param: 'tools', message: expect.stringContaining('MAX_TOOLS') });
  });
});
