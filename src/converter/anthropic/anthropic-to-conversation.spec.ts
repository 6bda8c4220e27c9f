import { InvalidRequestError } from '../../common/errors';
import type { UserMessage } from '../conversation';
import { anthropicToConversation, type AnthropicMessagesRequest } from './anthropic-to-conversation';
import { webSearchToolDefinition } from '../web-search-tool';
import { encodeSearchSnippet } from './anthropic-web-search';

/** A complete 1×1 PNG. */
const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function request(overrides: Partial<AnthropicMessagesRequest> = {}): AnthropicMessagesRequest {
  return { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }], ...overrides };
}

function pngBlock(data = PNG_1x1, mediaType = 'image/png'): Record<string, unknown> {
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data } };
}

function userWith(...content: unknown[]): AnthropicMessagesRequest {
  return request({ messages: [{ role: 'user', content }] });
}

function assistantWith(...content: unknown[]): AnthropicMessagesRequest {
  return request({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content }] });
}

/** Runs the conversion, which must throw, and returns the error. */
function rejectionOf(req: AnthropicMessagesRequest): InvalidRequestError {
  try {
    anthropicToConversation(req);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return err as InvalidRequestError;
  }
  throw new Error('expected the conversion to throw');
}

function statusAndParam(err: InvalidRequestError): { status: number; param: string | null } {
  return { status: err.status, param: err.param };
}

describe(anthropicToConversation.name, () => {
  describe('system', () => {
    it('takes a string system prompt as one system entry', () => {
      const { conversation } = anthropicToConversation(request({ system: 'You are terse.' }));

      expect(conversation.system).toStrictEqual(['You are terse.']);
    });

    it('joins text blocks (cache_control included) into one system entry', () => {
      const { conversation } = anthropicToConversation(
        request({
          system: [
            { type: 'text', text: 'You are terse.' },
            { type: 'text', text: 'Answer in French.', cache_control: { type: 'ephemeral' } },
          ],
        }),
      );

      expect(conversation.system).toStrictEqual(['You are terse.\n\nAnswer in French.']);
    });

    it('leaves the system empty when none is given', () => {
      const { conversation } = anthropicToConversation(request());

      expect(conversation.system).toStrictEqual([]);
    });

    it('leaves the system empty for a blank string', () => {
      const { conversation } = anthropicToConversation(request({ system: '   ' }));

      expect(conversation.system).toStrictEqual([]);
    });

    it('rejects a non-text system block, naming it', () => {
      const err = rejectionOf(request({ system: [{ type: 'text', text: 'a' }, { type: 'image', source: {} }] }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'system.1' });
    });

    it('rejects a system that is neither a string nor an array', () => {
      const err = rejectionOf(request({ system: 42 }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'system' });
    });
  });

  describe('user turns', () => {
    it('maps string content to the text of a user message', () => {
      const { conversation } = anthropicToConversation(request({ messages: [{ role: 'user', content: 'Hello there' }] }));

      expect(conversation.messages).toStrictEqual([{ role: 'user', text: 'Hello there', images: [], toolResults: [] }]);
    });

    it('joins several text blocks with a blank line', () => {
      const { conversation } = anthropicToConversation(userWith({ type: 'text', text: 'First' }, { type: 'text', text: 'Second', cache_control: { type: 'ephemeral' } }));

      // The cache_control mark is a prompt-cache checkpoint after this turn (§9.6).
      expect(conversation.messages).toStrictEqual([{ role: 'user', text: 'First\n\nSecond', images: [], toolResults: [], cacheCheckpoint: true }]);
    });

    it("leaves out Claude Code's billing attribution line, whose cch= hash changes every request", () => {
      const { conversation } = anthropicToConversation({
        model: 'claude-sonnet-4-5',
        system: [
          { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332.aa1; cc_entrypoint=cli; cch=8f3a1;' },
          { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
        ],
        messages: [{ role: 'user', content: 'Hi' }],
      });

      expect(conversation.system).toStrictEqual(['You are Claude Code.']);
      expect(conversation.cacheCheckpoints).toStrictEqual({ system: true, tools: false });
    });

    it('maps a base64 image block to an image input', () => {
      const { conversation } = anthropicToConversation(userWith({ type: 'text', text: 'What is this?' }, pngBlock()));

      expect(conversation.messages).toStrictEqual([{ role: 'user', text: 'What is this?', images: [{ format: 'png', base64: PNG_1x1 }], toolResults: [] }]);
    });

    it('maps image/jpg to the jpeg format', () => {
      const { conversation } = anthropicToConversation(userWith(pngBlock('/9j/4AAQ', 'image/jpg')));

      expect(conversation.messages[0]).toStrictEqual({ role: 'user', text: '', images: [{ format: 'jpeg', base64: '/9j/4AAQ' }], toolResults: [] });
    });

    it('pads unpadded base64 image data', () => {
      const { conversation } = anthropicToConversation(userWith(pngBlock('iVBORw0KGgo')));

      expect(conversation.messages[0]).toStrictEqual({ role: 'user', text: '', images: [{ format: 'png', base64: 'iVBORw0KGgo=' }], toolResults: [] });
    });

    it('pads base64 data two characters short', () => {
      const { conversation } = anthropicToConversation(userWith(pngBlock('AAAAAA')));

      expect(conversation.messages[0]).toStrictEqual({ role: 'user', text: '', images: [{ format: 'png', base64: 'AAAAAA==' }], toolResults: [] });
    });

    it('strips line breaks inside base64 image data', () => {
      const { conversation } = anthropicToConversation(userWith(pngBlock('AAAA\nBBBB\n')));

      expect(conversation.messages[0]).toStrictEqual({ role: 'user', text: '', images: [{ format: 'png', base64: 'AAAABBBB' }], toolResults: [] });
    });

    it('maps a tool_result with string content', () => {
      const { conversation } = anthropicToConversation(userWith({ type: 'tool_result', tool_use_id: 'toolu_01', content: '22°C, sunny' }));

      expect(conversation.messages).toStrictEqual([
        { role: 'user', text: '', images: [], toolResults: [{ toolCallId: 'toolu_01', text: '22°C, sunny', isError: false }] },
      ]);
    });

    it('maps a tool_result with text and image blocks: text to the result, image to the turn', () => {
      const { conversation } = anthropicToConversation(
        userWith({
          type: 'tool_result',
          tool_use_id: 'toolu_01',
          content: [{ type: 'text', text: 'Screenshot taken' }, pngBlock()],
        }),
      );

      expect(conversation.messages).toStrictEqual([
        {
          role: 'user',
          text: '',
          images: [{ format: 'png', base64: PNG_1x1 }],
          toolResults: [{ toolCallId: 'toolu_01', text: 'Screenshot taken', isError: false }],
        },
      ]);
    });

    it('describes the attached images when a tool_result holds images only', () => {
      const { conversation } = anthropicToConversation(userWith({ type: 'tool_result', tool_use_id: 'toolu_01', content: [pngBlock(), pngBlock()] }));

      expect(conversation.messages[0]).toStrictEqual({
        role: 'user',
        text: '',
        images: [
          { format: 'png', base64: PNG_1x1 },
          { format: 'png', base64: PNG_1x1 },
        ],
        toolResults: [{ toolCallId: 'toolu_01', text: '(2 images attached to this turn)', isError: false }],
      });
    });

    it('maps is_error: true to isError', () => {
      const { conversation } = anthropicToConversation(userWith({ type: 'tool_result', tool_use_id: 'toolu_01', content: 'file not found', is_error: true }));

      expect(conversation.messages[0]).toStrictEqual({
        role: 'user',
        text: '',
        images: [],
        toolResults: [{ toolCallId: 'toolu_01', text: 'file not found', isError: true }],
      });
    });

    it('maps a tool_result without content to empty text', () => {
      const { conversation } = anthropicToConversation(userWith({ type: 'tool_result', tool_use_id: 'toolu_01' }));

      expect(conversation.messages[0]).toStrictEqual({ role: 'user', text: '', images: [], toolResults: [{ toolCallId: 'toolu_01', text: '', isError: false }] });
    });

    it('rejects a tool_result without tool_use_id', () => {
      const err = rejectionOf(userWith({ type: 'tool_result', content: 'x' }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content.0.tool_use_id' });
    });

    it('rejects a document block without a source inside a tool_result, naming the nested block', () => {
      const err = rejectionOf(userWith({ type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'document' }] }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content.0.content.0.source' });
    });

    it('reads a text document inside a tool_result into the result text', () => {
      const { conversation } = anthropicToConversation(
        userWith({ type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'document', title: 'notes.txt', source: { type: 'text', media_type: 'text/plain', data: 'line one' } }] }),
      );

      expect((conversation.messages[0] as UserMessage).toolResults).toStrictEqual([{ toolCallId: 'toolu_01', text: 'Document "notes.txt":\nline one', isError: false }]);
    });

    it('turns tool_reference blocks into a note and loads the deferred tools they name', () => {
      const { conversation } = anthropicToConversation(
        request({
          tools: [
            { name: 'ToolSearch', input_schema: { type: 'object' } },
            { name: 'WebFetch', input_schema: { type: 'object' }, defer_loading: true },
            { name: 'CronList', input_schema: { type: 'object' }, defer_loading: true },
          ],
          messages: [
            { role: 'user', content: 'Fetch it' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'ToolSearch', input: { query: 'select:WebFetch' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'tool_reference', tool_name: 'WebFetch' }] }] },
          ],
        }),
      );

      expect((conversation.messages[2] as UserMessage).toolResults[0].text).toBe('Tool "WebFetch" is now available.');
      expect(conversation.tools.map((tool) => tool.name)).toStrictEqual(['ToolSearch', 'WebFetch']);
    });

    it('drops thinking and redacted_thinking blocks', () => {
      const { conversation } = anthropicToConversation(
        userWith({ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'redacted_thinking', data: 'xyz' }, { type: 'text', text: 'Go on' }),
      );

      expect(conversation.messages).toStrictEqual([{ role: 'user', text: 'Go on', images: [], toolResults: [] }]);
    });
  });

  describe('assistant turns', () => {
    it('maps text and tool_use blocks to text and tool calls', () => {
      const { conversation } = anthropicToConversation(
        assistantWith({ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } }),
      );

      expect(conversation.messages[1]).toStrictEqual({
        role: 'assistant',
        text: 'Let me check.',
        toolCalls: [{ id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } }],
      });
    });

    it('maps string content to the text of an assistant message', () => {
      const { conversation } = anthropicToConversation(request({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Bonjour' }] }));

      expect(conversation.messages[1]).toStrictEqual({ role: 'assistant', text: 'Bonjour', toolCalls: [] });
    });

    it('keeps the first signed thinking block as the turn\'s signed reasoning, and nothing of the rest', () => {
      const { conversation } = anthropicToConversation(
        assistantWith(
          { type: 'thinking', thinking: 'The user wants weather.', signature: 'EqQBCkYI' },
          { type: 'redacted_thinking', data: 'EmwKAhgB' },
          { type: 'text', text: 'Sunny.' },
        ),
      );

      expect(conversation.messages[1]).toStrictEqual({
        role: 'assistant',
        text: 'Sunny.',
        toolCalls: [],
        signedReasoning: { text: 'The user wants weather.', signature: 'EqQBCkYI' },
      });
    });

    it('keeps redacted thinking as the turn\'s signed reasoning', () => {
      const { conversation } = anthropicToConversation(assistantWith({ type: 'redacted_thinking', data: 'EmwKAhgB' }, { type: 'text', text: 'Sunny.' }));

      expect(conversation.messages[1]).toStrictEqual({ role: 'assistant', text: 'Sunny.', toolCalls: [], signedReasoning: { redacted: 'EmwKAhgB' } });
    });

    it('drops thinking without a signature', () => {
      const conversion = anthropicToConversation(assistantWith({ type: 'thinking', thinking: 'Unsigned.', signature: '' }, { type: 'text', text: 'Sunny.' }));

      expect(conversion.conversation.messages[1]).toStrictEqual({ role: 'assistant', text: 'Sunny.', toolCalls: [] });
      expect(conversion.ignored).toContain('messages.1.content.0: thinking without a signature');
    });

    it('rejects a tool_use whose input is not an object', () => {
      const err = rejectionOf(assistantWith({ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: '{"city":"Paris"}' }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.1.content.0.input' });
    });

    it('rejects an image block in an assistant message', () => {
      const err = rejectionOf(assistantWith(pngBlock()));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.1.content.0.type' });
    });
  });

  describe('rejected content', () => {
    it('leaves out a block type it does not know, naming it in the notes', () => {
      const { conversation, dropped } = anthropicToConversation(userWith({ type: 'audio', data: 'xyz' }, { type: 'text', text: 'Listen' }));

      expect(conversation.messages).toStrictEqual([{ role: 'user', text: 'Listen', images: [], toolResults: [] }]);
      expect(dropped).toStrictEqual([{ at: 'messages.0.content.0', kind: 'block type "audio"' }]);
    });

    it('names a client-chosen block type cut short and escaped, so it cannot forge a log line', () => {
      const { dropped } = anthropicToConversation(userWith({ type: `audio\n[12:00:00] INFO: forged${'x'.repeat(1_000_000)}`, data: 'xyz' }, { type: 'text', text: 'Listen' }));

      expect(dropped).toStrictEqual([{ at: 'messages.0.content.0', kind: `block type "audio\\u000a[12:00:00] INFO: forged${'x'.repeat(11)}…"` }]);
    });

    it('leaves out a container_upload block, naming it in the notes', () => {
      const { conversation, dropped } = anthropicToConversation(userWith({ type: 'text', text: 'Run it' }, { type: 'container_upload', file_id: 'file_01' }));

      expect((conversation.messages[0] as UserMessage).text).toBe('Run it');
      expect(dropped).toStrictEqual([{ at: 'messages.0.content.1', kind: 'block type "container_upload"' }]);
    });

    it('rejects a tool_use block in a user message', () => {
      const err = rejectionOf(userWith({ type: 'tool_use', id: 'toolu_01', name: 'x', input: {} }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content.0.type' });
    });

    it('rejects a block without a type', () => {
      const err = rejectionOf(userWith({ text: 'no type' }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content.0' });
    });

    it('rejects content that is neither a string nor an array', () => {
      const err = rejectionOf(request({ messages: [{ role: 'user', content: { type: 'text', text: 'x' } }] }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content' });
    });

    it('rejects a URL image source', () => {
      const err = rejectionOf(userWith({ type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content.0.source' });
    });

    it('rejects an image with an unsupported media type', () => {
      const err = rejectionOf(userWith(pngBlock(PNG_1x1, 'image/bmp')));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content.0.source.media_type' });
    });

    it('rejects image data that is not base64', () => {
      const err = rejectionOf(userWith(pngBlock('not base64!')));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content.0.source.data' });
    });

    it('rejects base64 data of an impossible length', () => {
      const err = rejectionOf(userWith(pngBlock('AAAAA')));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content.0.source.data' });
    });

    it('rejects an image without a source', () => {
      const err = rejectionOf(userWith({ type: 'image' }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0.content.0.source' });
    });

    it('rejects a system message holding a non-text block, naming it', () => {
      const err = rejectionOf(request({ messages: [{ role: 'user', content: 'Hi' }, { role: 'system', content: [pngBlock()] }] }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.1.content.0' });
    });

    it('rejects a tool role inside messages', () => {
      const err = rejectionOf(request({ messages: [{ role: 'user', content: 'Hi' }, { role: 'tool', content: 'x' }] }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.1.role' });
    });

    it('rejects a message that is not an object', () => {
      const err = rejectionOf(request({ messages: ['Hi'] }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'messages.0' });
    });
  });

  describe('tools', () => {
    it('maps custom tools to tool definitions', () => {
      const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

      const { conversation } = anthropicToConversation(
        request({
          tools: [
            { name: 'get_weather', description: 'Weather for a city', input_schema: schema },
            { type: 'custom', name: 'get_time', input_schema: { type: 'object', properties: {} } },
          ],
        }),
      );

      expect(conversation.tools).toStrictEqual([
        { name: 'get_weather', description: 'Weather for a city', parameters: schema },
        { name: 'get_time', description: '', parameters: { type: 'object', properties: {} } },
      ]);
    });

    it('drops server tools Kiro cannot run from the conversation, and declares the web search the gateway runs last', () => {
      const { conversation } = anthropicToConversation(
        request({
          tools: [
            { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
            { name: 'get_weather', input_schema: { type: 'object' } },
            { type: 'code_execution_20250522', name: 'code_execution' },
          ],
        }),
      );

      expect(conversation.tools).toStrictEqual([{ name: 'get_weather', description: '', parameters: { type: 'object' } }, webSearchToolDefinition()]);
      expect(conversation.webSearch).toStrictEqual({ toolName: 'web_search', maxUses: 5 });
    });

    it("reads Claude Code's WebSearch side query: the only tool is the web search, the query is in the prompt", () => {
      const { conversation } = anthropicToConversation(
        request({
          messages: [{ role: 'user', content: 'Perform a web search for the query: kiro release notes 2026' }],
          tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8, allowed_domains: ['kiro.dev'] }],
        }),
      );

      expect(conversation.webSearch).toStrictEqual({ toolName: 'web_search', maxUses: 8, allowedDomains: ['kiro.dev'], leadQuery: 'kiro release notes 2026' });
    });

    it('searches nothing ahead when the request has other tools too', () => {
      const { conversation } = anthropicToConversation(
        request({
          messages: [{ role: 'user', content: 'Perform a web search for the query: x' }],
          tools: [{ type: 'web_search_20250305', name: 'web_search' }, { name: 'get_weather', input_schema: { type: 'object' } }],
        }),
      );

      expect(conversation.webSearch).toStrictEqual({ toolName: 'web_search' });
    });

    it.each([
      ['a max_uses that is not a positive integer', { type: 'web_search_20250305', name: 'web_search', max_uses: 0 }, 'tools.0.max_uses'],
      ['both domain lists', { type: 'web_search_20250305', name: 'web_search', allowed_domains: ['a.com'], blocked_domains: ['b.com'] }, 'tools.0.allowed_domains'],
      ['a domain list over the bound', { type: 'web_search_20250305', name: 'web_search', allowed_domains: Array.from({ length: 101 }, (_, i) => `d${i}.com`) }, 'tools.0.allowed_domains'],
    ])('rejects a web search tool with %s', (_what, tool, param) => {
      const err = rejectionOf(request({ tools: [tool] }));
      expect(err.param).toBe(param);
    });

    it('rejects a function tool named web_search beside the web search tool', () => {
      const err = rejectionOf(request({ tools: [{ name: 'web_search', input_schema: { type: 'object' } }, { type: 'web_search_20250305', name: 'web_search' }] }));
      expect(err.message).toMatch(/already named "web_search"/);
    });

    it('reports the dropped server tools by name and type', () => {
      const { droppedServerTools } = anthropicToConversation(
        request({
          tools: [
            { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
            { name: 'get_weather', input_schema: { type: 'object' } },
            { type: 'code_execution_20250522', name: 'code_execution' },
          ],
        }),
      );

      expect(droppedServerTools).toStrictEqual(['code_execution (code_execution_20250522)']);
    });

    it('reports no dropped server tools when there are none', () => {
      const { droppedServerTools } = anthropicToConversation(request({ tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] }));

      expect(droppedServerTools).toStrictEqual([]);
    });

    it('rejects two tools with the same name', () => {
      const err = rejectionOf(
        request({
          tools: [
            { name: 'get_weather', input_schema: { type: 'object' } },
            { name: 'get_weather', input_schema: { type: 'object' } },
          ],
        }),
      );

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'tools.1.name' });
    });

    it('rejects a custom tool without a name', () => {
      const err = rejectionOf(request({ tools: [{ input_schema: { type: 'object' } }] }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'tools.0.name' });
    });
  });

  describe('tool_choice', () => {
    const tools = [{ name: 'get_weather', input_schema: { type: 'object' } }];

    it('defaults to auto', () => {
      const { conversation } = anthropicToConversation(request({ tools }));

      expect(conversation.toolChoice).toStrictEqual({ type: 'auto' });
    });

    it('maps auto to auto', () => {
      const { conversation } = anthropicToConversation(request({ tools, tool_choice: { type: 'auto' } }));

      expect(conversation.toolChoice).toStrictEqual({ type: 'auto' });
    });

    it('maps any to required', () => {
      const { conversation } = anthropicToConversation(request({ tools, tool_choice: { type: 'any', disable_parallel_tool_use: true } }));

      expect(conversation.toolChoice).toStrictEqual({ type: 'required' });
    });

    it('maps none to none', () => {
      const { conversation } = anthropicToConversation(request({ tools, tool_choice: { type: 'none' } }));

      expect(conversation.toolChoice).toStrictEqual({ type: 'none' });
    });

    it('maps tool to the named tool', () => {
      const { conversation } = anthropicToConversation(request({ tools, tool_choice: { type: 'tool', name: 'get_weather' } }));

      expect(conversation.toolChoice).toStrictEqual({ type: 'tool', name: 'get_weather' });
    });

    it('rejects a named tool that is not declared', () => {
      const err = rejectionOf(request({ tools, tool_choice: { type: 'tool', name: 'get_time' } }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'tool_choice.name' });
    });

    it('rejects a tool choice of type tool without a name', () => {
      const err = rejectionOf(request({ tools, tool_choice: { type: 'tool' } }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'tool_choice.name' });
    });

    it('rejects an unknown tool choice type', () => {
      const err = rejectionOf(request({ tools, tool_choice: { type: 'required' } }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'tool_choice.type' });
    });

    it('rejects a tool choice given as a string', () => {
      const err = rejectionOf(request({ tools, tool_choice: 'auto' }));

      expect(statusAndParam(err)).toStrictEqual({ status: 400, param: 'tool_choice' });
    });
  });

  describe('thinking', () => {
    it('is off when thinking is absent', () => {
      const { conversation } = anthropicToConversation(request());

      expect(conversation.thinking).toStrictEqual({ kind: 'off' });
    });

    it('is off when thinking is disabled', () => {
      const { conversation } = anthropicToConversation(request({ thinking: { type: 'disabled' } }));

      expect(conversation.thinking).toStrictEqual({ kind: 'off' });
    });

    it('uses budget_tokens when thinking is enabled', () => {
      const { conversation } = anthropicToConversation(request({ max_tokens: 16000, thinking: { type: 'enabled', budget_tokens: 10000 } }));

      expect(conversation.thinking).toStrictEqual({ kind: 'budget', tokens: 10000 });
    });

    it.each(['low', 'medium', 'high', 'max'])('maps adaptive thinking with effort %s to that effort', (effort) => {
      const { conversation } = anthropicToConversation(request({ thinking: { type: 'adaptive' }, output_config: { effort } }));

      expect(conversation.thinking).toStrictEqual({ kind: 'effort', effort });
    });

    it('uses the medium effort for adaptive thinking without an effort', () => {
      const { conversation } = anthropicToConversation(request({ thinking: { type: 'adaptive' } }));

      expect(conversation.thinking).toStrictEqual({ kind: 'effort', effort: 'medium' });
    });

    it('serves an effort it does not know at the medium effort, noting it', () => {
      const { conversation, ignored } = anthropicToConversation(request({ thinking: { type: 'adaptive' }, output_config: { effort: 'extreme' } }));

      expect(conversation.thinking).toStrictEqual({ kind: 'effort', effort: 'medium' });
      expect(ignored).toStrictEqual(['output_config.effort "extreme" (served as medium)']);
    });

    it('maps the xhigh effort to max', () => {
      const { conversation } = anthropicToConversation(request({ thinking: { type: 'adaptive' }, output_config: { effort: 'xhigh' } }));

      expect(conversation.thinking).toStrictEqual({ kind: 'effort', effort: 'max' });
    });

    it('reports display: "omitted" so thinking comes back without its text', () => {
      expect(anthropicToConversation(request({ thinking: { type: 'adaptive', display: 'omitted' } })).omitThinkingText).toBe(true);
      expect(anthropicToConversation(request({ thinking: { type: 'adaptive', display: 'summarized' } })).omitThinkingText).toBe(false);
    });
  });
  describe('system messages inside messages', () => {
    it('refuses messages that are all system entries, as Anthropic does', () => {
      const err = rejectionOf(request({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'system', content: 'Be kind.' }] }));

      expect(err.message).toBe('messages: at least one user or assistant message is required (system entries alone are instructions, not a conversation)');
      expect(err.param).toBe('messages');
    });

    it('adds leading system messages to the system prompt', () => {
      const { conversation } = anthropicToConversation(request({ system: 'Top.', messages: [{ role: 'system', content: 'Also this.' }, { role: 'user', content: 'Hi' }] }));

      expect(conversation.system).toStrictEqual(['Top.', 'Also this.']);
      expect(conversation.messages).toStrictEqual([{ role: 'user', text: 'Hi', images: [], toolResults: [] }]);
    });

    it("appends a trailing system message to the user turn before it (Claude Code's # Environment block)", () => {
      const { conversation } = anthropicToConversation(
        request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }, { role: 'system', content: [{ type: 'text', text: '# Environment\nPlatform: linux' }] }] }),
      );

      expect(conversation.messages).toStrictEqual([
        { role: 'user', text: 'Hello there\n\n<system-reminder>\n# Environment\nPlatform: linux\n</system-reminder>', images: [], toolResults: [] },
      ]);
    });

    it('puts a system message between a tool call and its result into the result turn, keeping the pairing', () => {
      const { conversation } = anthropicToConversation(
        request({
          messages: [
            { role: 'user', content: 'List files' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'ls' } }] },
            { role: 'system', content: 'Files changed on disk.' },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'a.txt' }] },
          ],
        }),
      );

      expect(conversation.messages[2]).toStrictEqual({
        role: 'user',
        text: '<system-reminder>\nFiles changed on disk.\n</system-reminder>',
        images: [],
        toolResults: [{ toolCallId: 'toolu_01', text: 'a.txt', isError: false }],
      });
      expect(conversation.messages).toHaveLength(3);
    });

    it('makes a system message between two assistant turns a user turn of its own', () => {
      const { conversation } = anthropicToConversation(
        request({
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello' },
            { role: 'system', content: 'Be brief.' },
            { role: 'assistant', content: 'OK' },
          ],
        }),
      );

      expect(conversation.messages.map((m) => m.role)).toStrictEqual(['user', 'assistant', 'user', 'assistant']);
      expect((conversation.messages[2] as UserMessage).text).toBe('<system-reminder>\nBe brief.\n</system-reminder>');
    });
  });

  describe('fields and blocks Kiro has no place for', () => {
    it('accepts the current top-level fields and reports them as ignored', () => {
      const { ignored } = anthropicToConversation({
        ...request(),
        context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
        container: 'container_01',
        mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }],
        service_tier: 'auto',
        some_future_field: true,
      } as AnthropicMessagesRequest);

      expect(ignored).toStrictEqual(['field context_management', 'field container', 'field mcp_servers', 'field service_tier', 'field some_future_field']);
    });

    it('reads a plain-text document with its title and context', () => {
      const { conversation } = anthropicToConversation(
        userWith({ type: 'text', text: 'Summarise' }, { type: 'document', title: 'Spec', context: 'From the wiki', source: { type: 'text', media_type: 'text/plain', data: 'abc' } }),
      );

      expect((conversation.messages[0] as UserMessage).text).toBe('Summarise\n\nDocument "Spec":\n(From the wiki)\nabc');
    });

    it('reads a content-block document, its images riding on the turn', () => {
      const { conversation } = anthropicToConversation(userWith({ type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'Page 1' }, pngBlock()] } }));

      expect(conversation.messages[0]).toStrictEqual({ role: 'user', text: 'Document:\nPage 1', images: [{ format: 'png', base64: PNG_1x1 }], toolResults: [] });
    });

    it('tells the model a PDF was left out, and names it in the notes', () => {
      const { conversation, dropped } = anthropicToConversation(
        userWith({ type: 'document', title: 'report.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }),
      );

      expect((conversation.messages[0] as UserMessage).text).toBe('(The document "report.pdf" was attached here as application/pdf data, which this gateway cannot pass on to the model.)');
      expect(dropped).toStrictEqual([{ at: 'messages.0.content.0', kind: 'document "report.pdf" given as application/pdf data (Kiro reads text documents only)' }]);
    });

    it('reads a search_result block with its title and source', () => {
      const { conversation } = anthropicToConversation(
        userWith({ type: 'search_result', title: 'Kiro docs', source: 'https://kiro.dev/docs', content: [{ type: 'text', text: 'Kiro is an IDE.' }] }),
      );

      expect((conversation.messages[0] as UserMessage).text).toBe('Search result: Kiro docs (https://kiro.dev/docs)\nKiro is an IDE.');
    });

    it("keeps an earlier turn's server tool call and its results as assistant text, not as a tool call", () => {
      const { conversation } = anthropicToConversation(
        assistantWith(
          { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'kiro' } },
          { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [{ type: 'web_search_result', title: 'Kiro', url: 'https://kiro.dev', encrypted_content: 'abc' }] },
          { type: 'text', text: 'Kiro is an IDE.' },
        ),
      );

      expect(conversation.messages[1]).toStrictEqual({
        role: 'assistant',
        text: '[Called web_search with {"query":"kiro"}]\n\n[web_search_tool_result]\n- Kiro (https://kiro.dev)\n\nKiro is an IDE.',
        toolCalls: [],
      });
    });

    it('gives the model back the snippets of the search hits the gateway returned (its own encrypted_content)', () => {
      const { conversation } = anthropicToConversation(
        assistantWith(
          { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'kiro' } },
          {
            type: 'web_search_tool_result',
            tool_use_id: 'srvtoolu_01',
            content: [
              { type: 'web_search_result', title: 'Kiro', url: 'https://kiro.dev', encrypted_content: encodeSearchSnippet('An agentic IDE.') },
              { type: 'web_search_result', title: 'Other', url: 'https://o.example', encrypted_content: 'kgw1' },
            ],
          },
        ),
      );

      expect((conversation.messages[1] as { text: string }).text).toBe(
        '[Called web_search with {"query":"kiro"}]\n\n[web_search_tool_result]\n- Kiro (https://kiro.dev): An agentic IDE.\n- Other (https://o.example)',
      );
    });

    it('does not declare a deferred tool that nothing has loaded', () => {
      const { conversation, ignored } = anthropicToConversation(
        request({ tools: [{ name: 'Bash', input_schema: { type: 'object' } }, { name: 'DeferredToolPlaceholder', input_schema: { type: 'object' }, defer_loading: true }] }),
      );

      expect(conversation.tools.map((tool) => tool.name)).toStrictEqual(['Bash']);
      expect(ignored).toStrictEqual(['tools.1: deferred tool DeferredToolPlaceholder, not loaded yet']);
    });
  });
});
