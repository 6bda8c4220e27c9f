import { validateKiroRequest } from '../../../test/simulator/kiro-request-validator';
import { InvalidRequestError } from '../../common/errors';
import { buildKiroRequest } from '../kiro/build-kiro-request';
import type { ChatCompletionRequest } from './chat-request';
import { openAIToConversation } from './openai-to-conversation';

function request(parts: Partial<ChatCompletionRequest>): ChatCompletionRequest {
  return { model: 'claude-sonnet-4.5', messages: [], ...parts };
}

/** The error the conversion throws; fails the test when it throws none. */
function errorOf(req: ChatCompletionRequest): InvalidRequestError {
  try {
    openAIToConversation(req);
  } catch (err) {
    if (err instanceof InvalidRequestError) return err;
    throw err;
  }
  throw new Error('expected an InvalidRequestError, but the conversion succeeded');
}

const WEATHER_FUNCTION = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe(openAIToConversation.name, () => {
  describe('messages', () => {
    it('maps a system and a user message with string content', () => {
      const req = request({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }] });

      expect(openAIToConversation(req)).toStrictEqual({
        system: ['Be brief.'],
        messages: [{ role: 'user', text: 'Hello', images: [], toolResults: [] }],
        tools: [],
        toolChoice: { type: 'auto' },
      });
    });

    it('collects system and developer messages in order, wherever they appear', () => {
      const req = request({
        messages: [
          { role: 'system', content: 'One.' },
          { role: 'user', content: 'Hi' },
          { role: 'developer', content: [{ type: 'text', text: 'Two.' }] },
        ],
      });

      expect(openAIToConversation(req).system).toEqual(['One.', 'Two.']);
    });

    it('drops system messages that are empty or whitespace', () => {
      const req = request({ messages: [{ role: 'system', content: '  ' }, { role: 'system', content: null }, { role: 'user', content: 'Hi' }] });

      expect(openAIToConversation(req).system).toEqual([]);
    });

    it('maps null user content to empty text', () => {
      const req = request({ messages: [{ role: 'user', content: null }] });

      expect(openAIToConversation(req).messages).toStrictEqual([{ role: 'user', text: '', images: [], toolResults: [] }]);
    });

    it('joins text parts of user content with newlines', () => {
      const req = request({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'first' }, { type: 'text', text: 'second' }] }],
      });

      expect(openAIToConversation(req).messages).toStrictEqual([{ role: 'user', text: 'first\nsecond', images: [], toolResults: [] }]);
    });

    it('maps an assistant message with text', () => {
      const req = request({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }] });

      expect(openAIToConversation(req).messages[1]).toStrictEqual({ role: 'assistant', text: 'Hello!', toolCalls: [] });
    });

    it('maps assistant text and refusal parts', () => {
      const req = request({
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Part one.' },
              { type: 'refusal', refusal: 'I cannot do that.' },
            ],
          },
        ],
      });

      expect(openAIToConversation(req).messages).toStrictEqual([{ role: 'assistant', text: 'Part one.\nI cannot do that.', toolCalls: [] }]);
    });

    it('rejects a message that is not an object, naming messages[i]', () => {
      const err = errorOf(request({ messages: [{ role: 'user', content: 'Hi' }, 'hello'] }));

      expect(err).toMatchObject({ status: 400, param: 'messages[1]' });
    });

    it('rejects an unknown role, naming messages[i]', () => {
      const err = errorOf(request({ messages: [{ role: 'user', content: 'Hi' }, { role: 'critic', content: 'Meh' }] }));

      expect(err).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        param: 'messages[1].role',
        message: 'messages[1] has an unsupported role "critic"; use system, developer, user, assistant or tool.',
      });
    });

    it('rejects user content that is neither a string nor an array', () => {
      const err = errorOf(request({ messages: [{ role: 'user', content: 42 }] }));

      expect(err).toMatchObject({ status: 400, param: 'messages[0].content' });
    });

    it('rejects an unsupported user content part type, naming the part', () => {
      const err = errorOf(
        request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Listen' }, { type: 'input_audio', input_audio: {} }] }] }),
      );

      expect(err).toMatchObject({ status: 400, param: 'messages[0].content[1]' });
    });

    it('rejects an image part in a system message', () => {
      const err = errorOf(
        request({ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }] }),
      );

      expect(err).toMatchObject({ status: 400, param: 'messages[0].content[0]' });
    });

    it('rejects a text part without text', () => {
      const err = errorOf(request({ messages: [{ role: 'user', content: [{ type: 'text' }] }] }));

      expect(err).toMatchObject({ status: 400, param: 'messages[0].content[0].text' });
    });
  });

  describe('images', () => {
    it.each([
      ['png', 'png'],
      ['jpeg', 'jpeg'],
      ['jpg', 'jpeg'],
      ['gif', 'gif'],
      ['webp', 'webp'],
      ['PNG', 'png'],
    ])('maps a data:image/%s URL to format %s', (subtype, format) => {
      const req = request({
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/${subtype};base64,AAAA` } }] }],
      });

      expect(openAIToConversation(req).messages).toStrictEqual([{ role: 'user', text: '', images: [{ format, base64: 'AAAA' }], toolResults: [] }]);
    });

    it('keeps text and images of one message together, in order', () => {
      const req = request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'data:image/gif;base64,R0lGODlh' } },
            ],
          },
        ],
      });

      expect(openAIToConversation(req).messages).toStrictEqual([
        {
          role: 'user',
          text: 'Compare',
          images: [
            { format: 'png', base64: 'iVBORw0KGgo=' },
            { format: 'gif', base64: 'R0lGODlh' },
          ],
          toolResults: [],
        },
      ]);
    });

    it('accepts image_url given as a plain string', () => {
      const req = request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'data:image/png;base64,AAAA' }] }] });

      expect(openAIToConversation(req).messages).toStrictEqual([{ role: 'user', text: '', images: [{ format: 'png', base64: 'AAAA' }], toolResults: [] }]);
    });

    it('removes whitespace inside the base64 data', () => {
      const req = request({
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA\nBBBB' } }] }],
      });

      expect(openAIToConversation(req).messages).toStrictEqual([
        { role: 'user', text: '', images: [{ format: 'png', base64: 'AAAABBBB' }], toolResults: [] },
      ]);
    });

    it('never hands Kiro unpadded base64: data without its "=" padding still yields a body the simulator accepts', () => {
      const req = request({
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo' } }] }],
      });

      const { body } = buildKiroRequest(openAIToConversation(req), {
        modelId: 'claude-sonnet-4.5',
        conversationId: 'conv-0001',
        toolDescriptionMaxLength: 10_000,
      });

      expect(validateKiroRequest(body)).toBeNull();
    });

    it('rejects a remote image URL with a 400 naming the url', () => {
      const err = errorOf(
        request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }),
      );

      expect(err).toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url', code: 'image_url_unsupported' });
    });

    it.each([
      ['a non-image data URL', 'data:text/plain;base64,AAAA'],
      ['an unsupported image type', 'data:image/bmp;base64,AAAA'],
      ['a data URL that is not base64', 'data:image/png,rawbytes'],
      ['a data URL with no data', 'data:image/png;base64,'],
      ['base64 with illegal characters', 'data:image/png;base64,AA*A'],
      ['base64 of impossible length', 'data:image/png;base64,AAAAA'],
      ['a file path', '/tmp/cat.png'],
    ])('rejects %s with a 400 invalid_image naming the url', (_case, url) => {
      const err = errorOf(request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] }));

      expect(err).toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url', code: 'invalid_image' });
    });

    it('rejects an image part without a url', () => {
      const err = errorOf(request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }));

      expect(err).toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url' });
    });
  });

  describe('tool calls and results', () => {
    it('maps assistant tool_calls with JSON-string arguments to calls with object input', () => {
      const req = request({
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
            ],
          },
        ],
      });

      expect(openAIToConversation(req).messages).toStrictEqual([
        {
          role: 'assistant',
          text: '',
          toolCalls: [
            { id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
            { id: 'call_2', name: 'get_time', input: {} },
          ],
        },
      ]);
    });

    it('accepts arguments already given as an object', () => {
      const req = request({
        messages: [{ role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: { a: 1 } } }] }],
      });

      expect(openAIToConversation(req).messages).toStrictEqual([{ role: 'assistant', text: '', toolCalls: [{ id: 'call_1', name: 'f', input: { a: 1 } }] }]);
    });

    it('rejects arguments that are not valid JSON, naming the call', () => {
      const err = errorOf(
        request({
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":' } }] },
          ],
        }),
      );

      expect(err).toMatchObject({
        status: 400,
        param: 'messages[1].tool_calls[0].function.arguments',
        message: 'messages[1].tool_calls[0].function.arguments is not valid JSON: {"a":',
      });
    });

    it('rejects arguments that encode something other than an object', () => {
      const err = errorOf(
        request({ messages: [{ role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] }] }),
      );

      expect(err).toMatchObject({ status: 400, param: 'messages[0].tool_calls[0].function.arguments' });
    });

    it('rejects a tool call without an id', () => {
      const err = errorOf(request({ messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }] }));

      expect(err).toMatchObject({ status: 400, param: 'messages[0].tool_calls[0].id' });
    });

    it('rejects a tool call without a function object', () => {
      const err = errorOf(request({ messages: [{ role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function' }] }] }));

      expect(err).toMatchObject({ status: 400, param: 'messages[0].tool_calls[0]' });
    });

    it('rejects tool_calls that is not an array', () => {
      const err = errorOf(request({ messages: [{ role: 'assistant', tool_calls: { id: 'call_1' } }] }));

      expect(err).toMatchObject({ status: 400, param: 'messages[0].tool_calls' });
    });

    it('maps a tool message to a user turn holding one tool result', () => {
      const req = request({ messages: [{ role: 'tool', tool_call_id: 'call_1', content: '18°C' }] });

      expect(openAIToConversation(req).messages).toStrictEqual([
        { role: 'user', text: '', images: [], toolResults: [{ toolCallId: 'call_1', text: '18°C', isError: false }] },
      ]);
    });

    it('joins the text parts of a tool message', () => {
      const req = request({
        messages: [{ role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }],
      });

      expect(openAIToConversation(req).messages).toStrictEqual([
        { role: 'user', text: '', images: [], toolResults: [{ toolCallId: 'call_1', text: 'a\nb', isError: false }] },
      ]);
    });

    it('rejects a tool message without tool_call_id', () => {
      const err = errorOf(request({ messages: [{ role: 'tool', content: '18°C' }] }));

      expect(err).toMatchObject({ status: 400, param: 'messages[0].tool_call_id' });
    });
  });

  describe('legacy function calling', () => {
    it('maps an assistant function_call and a function message to a paired call and result', () => {
      const req = request({
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { role: 'function', name: 'get_weather', content: '18°C' },
        ],
      });

      expect(openAIToConversation(req).messages).toStrictEqual([
        { role: 'user', text: 'Weather?', images: [], toolResults: [] },
        { role: 'assistant', text: '', toolCalls: [{ id: 'call_function_get_weather', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', text: '', images: [], toolResults: [{ toolCallId: 'call_function_get_weather', text: '18°C', isError: false }] },
      ]);
    });

    it('maps functions to tool definitions', () => {
      const req = request({
        messages: [{ role: 'user', content: 'Hi' }],
        functions: [{ name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: {} } }],
      });

      expect(openAIToConversation(req).tools).toStrictEqual([
        { name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: {} } },
      ]);
    });

    it('maps function_call {name} to a named tool choice', () => {
      const req = request({
        messages: [{ role: 'user', content: 'Hi' }],
        functions: [{ name: 'get_weather' }],
        function_call: { name: 'get_weather' },
      });

      expect(openAIToConversation(req).toolChoice).toStrictEqual({ type: 'tool', name: 'get_weather' });
    });

    it('maps function_call "none" to tool choice none', () => {
      const req = request({ messages: [{ role: 'user', content: 'Hi' }], functions: [{ name: 'get_weather' }], function_call: 'none' });

      expect(openAIToConversation(req).toolChoice).toStrictEqual({ type: 'none' });
    });

    it('builds a body the simulator accepts when the same function is called in two rounds', () => {
      const req = request({
        functions: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { role: 'function', name: 'get_weather', content: '18°C' },
          { role: 'assistant', content: 'It is 18°C.' },
          { role: 'user', content: 'And Rome?' },
          { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          { role: 'function', name: 'get_weather', content: '24°C' },
        ],
      });

      const { body } = buildKiroRequest(openAIToConversation(req), {
        modelId: 'claude-sonnet-4.5',
        conversationId: 'conv-0001',
        toolDescriptionMaxLength: 10_000,
      });

      expect(validateKiroRequest(body)).toBeNull();
    });
  });

  describe('tools', () => {
    it('maps function tools to tool definitions', () => {
      const req = request({ messages: [{ role: 'user', content: 'Hi' }], tools: [WEATHER_FUNCTION] });

      expect(openAIToConversation(req).tools).toStrictEqual([
        {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ]);
    });

    it('gives a function without description or parameters empty ones', () => {
      const req = request({ messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'function', function: { name: 'ping', parameters: null } }] });

      expect(openAIToConversation(req).tools).toStrictEqual([{ name: 'ping', description: '', parameters: {} }]);
    });

    it('accepts Anthropic-style tool definitions with input_schema', () => {
      const req = request({
        messages: [{ role: 'user', content: 'Hi' }],
        tools: [{ name: 'get_weather', description: 'Weather.', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      });

      expect(openAIToConversation(req).tools).toStrictEqual([
        { name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      ]);
    });

    it('rejects a tool of another type, naming its type', () => {
      const err = errorOf(request({ messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'web_search' }] }));

      expect(err).toMatchObject({ status: 400, param: 'tools[0].type' });
    });

    it('rejects a function tool without a name', () => {
      const err = errorOf(request({ messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'function', function: { description: 'x' } }] }));

      expect(err).toMatchObject({ status: 400, param: 'tools[0].function.name' });
    });

    it('rejects two tools with the same name', () => {
      const err = errorOf(request({ messages: [{ role: 'user', content: 'Hi' }], tools: [WEATHER_FUNCTION, WEATHER_FUNCTION] }));

      expect(err).toMatchObject({ status: 400, param: 'tools', message: 'The tool name "get_weather" is declared twice.' });
    });

    it('rejects a name declared both in tools and in functions', () => {
      const err = errorOf(request({ messages: [{ role: 'user', content: 'Hi' }], tools: [WEATHER_FUNCTION], functions: [{ name: 'get_weather' }] }));

      expect(err).toMatchObject({ status: 400, param: 'tools' });
    });
  });

  describe('tool_choice', () => {
    it.each([
      [undefined, { type: 'auto' }],
      [null, { type: 'auto' }],
      ['auto', { type: 'auto' }],
      ['none', { type: 'none' }],
      ['required', { type: 'required' }],
      [{ type: 'function', function: { name: 'get_weather' } }, { type: 'tool', name: 'get_weather' }],
    ])('maps tool_choice %p to %p', (toolChoice, expected) => {
      const req = request({ messages: [{ role: 'user', content: 'Hi' }], tools: [WEATHER_FUNCTION], tool_choice: toolChoice });

      expect(openAIToConversation(req).toolChoice).toStrictEqual(expected);
    });

    it('rejects a named tool that is not declared', () => {
      const err = errorOf(
        request({
          messages: [{ role: 'user', content: 'Hi' }],
          tools: [WEATHER_FUNCTION],
          tool_choice: { type: 'function', function: { name: 'get_time' } },
        }),
      );

      expect(err).toMatchObject({
        status: 400,
        param: 'tool_choice',
        message: 'tool_choice names the function "get_time", which is not among the declared tools.',
      });
    });

    it.each([['any'], [{ type: 'function' }], [42]])('rejects the malformed tool_choice %p', (toolChoice) => {
      const err = errorOf(request({ messages: [{ role: 'user', content: 'Hi' }], tools: [WEATHER_FUNCTION], tool_choice: toolChoice }));

      expect(err).toMatchObject({ status: 400, param: 'tool_choice' });
    });
  });
});
