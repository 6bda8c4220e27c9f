import type { KiroToolSpecification } from '../../kiro';
import { validateKiroRequest } from '../../../test/simulator/kiro-request-validator';
import { signReasoning } from '../../../test/simulator/native-reasoning';
import { assistantMessage, Conversation, ConversationMessage, ToolDefinition, userMessage } from '../conversation';
import { buildKiroRequest, KiroBuildOptions } from './build-kiro-request';

/** A declared tool's specification (the tools list may also hold a cache checkpoint). */
const toolSpec = (tool: unknown) => (tool as KiroToolSpecification).toolSpecification;

const OPTIONS: KiroBuildOptions = {
  modelId: 'claude-sonnet-4.5',
  conversationId: 'conv-0001',
  toolDescriptionMaxLength: 10_000,
};

function conversation(parts: Partial<Conversation>): Conversation {
  return { system: [], messages: [], tools: [], toolChoice: { type: 'auto' }, ...parts };
}

const WEATHER_TOOL: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const WEATHER_SPEC = {
  toolSpecification: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
};

const PLACEHOLDER_DESCRIPTION = 'A tool used earlier in this conversation that is no longer offered. Do not call it.';

describe(buildKiroRequest.name, () => {
  describe('turn layout', () => {
    it('sends a single user turn as the current message with no history', () => {
      const input = conversation({ messages: [userMessage('Hello')] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'Hello', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('omits the history key entirely when there is no history', () => {
      const input = conversation({ messages: [userMessage('Hello')] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(Object.keys(body.conversationState)).toEqual(['chatTriggerType', 'conversationId', 'currentMessage']);
    });

    it('prepends system and developer text to the current message when it is the only user turn', () => {
      const input = conversation({ system: ['You are terse.', 'Answer in English.'], messages: [userMessage('Hello')] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'You are terse.\n\nAnswer in English.\n\nHello',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
            },
          },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('prepends system text to the first user turn only, never to later turns', () => {
      const input = conversation({
        system: ['You are terse.', 'Answer in English.'],
        messages: [userMessage('Hi'), assistantMessage('Hello!'), userMessage('How are you?')],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'How are you?', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
          history: [
            {
              userInputMessage: {
                content: 'You are terse.\n\nAnswer in English.\n\nHi',
                modelId: 'claude-sonnet-4.5',
                origin: 'AI_EDITOR',
              },
            },
            { assistantResponseMessage: { content: 'Hello!' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('skips system parts that are only whitespace', () => {
      const input = conversation({ system: ['  ', 'Be brief.', '\n'], messages: [userMessage('Hello')] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body.conversationState.currentMessage.userInputMessage.content).toBe('Be brief.\n\nHello');
    });

    it('keeps alternating turns in order: history for all but the last, which is the current message', () => {
      const input = conversation({
        messages: [userMessage('one'), assistantMessage('two'), userMessage('three'), assistantMessage('four'), userMessage('five')],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'five', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
          history: [
            { userInputMessage: { content: 'one', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: 'two' } },
            { userInputMessage: { content: 'three', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: 'four' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('merges adjacent same-role turns with a blank line between them', () => {
      const input = conversation({
        messages: [userMessage('a'), userMessage('b'), assistantMessage('c'), assistantMessage('d'), userMessage('e')],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'e', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
          history: [
            { userInputMessage: { content: 'a\n\nb', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: 'c\n\nd' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('puts a synthetic user turn before a leading assistant turn', () => {
      const input = conversation({ messages: [assistantMessage('Welcome!'), userMessage('Hi')] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'Hi', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
          history: [
            { userInputMessage: { content: '(empty)', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: 'Welcome!' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('moves a trailing assistant turn (prefill) into history and sends Continue as the current message', () => {
      const input = conversation({ messages: [userMessage('Write JSON'), assistantMessage('{')] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'Continue', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
          history: [
            { userInputMessage: { content: 'Write JSON', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: '{' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('sends Continue when the conversation has no messages at all', () => {
      const input = conversation({ system: ['Be brief.'] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'Be brief.\n\nContinue', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('fills empty and whitespace-only turns with placeholders', () => {
      const input = conversation({ messages: [userMessage(''), assistantMessage('  '), userMessage('\n')] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'Continue', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
          history: [
            { userInputMessage: { content: '(empty)', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: '(empty)' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('does not change the conversation it is given', () => {
      const input = conversation({
        system: ['Be brief.'],
        messages: [userMessage('a'), userMessage('b'), assistantMessage('c')],
      });
      const before = JSON.parse(JSON.stringify(input)) as Conversation;

      buildKiroRequest(input, OPTIONS);

      expect(input).toStrictEqual(before);
    });
  });

  describe('images', () => {
    it('puts images of the current turn directly on userInputMessage', () => {
      const input = conversation({
        messages: [userMessage('What is this?', { images: [{ format: 'png', base64: 'iVBORw0KGgo=' }] })],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'What is this?',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              images: [{ format: 'png', source: { bytes: 'iVBORw0KGgo=' } }],
            },
          },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('puts images of a history turn directly on that turn, and an image-only turn gets a placeholder text', () => {
      const input = conversation({
        messages: [
          userMessage('', { images: [{ format: 'jpeg', base64: '/9j/4AAQ' }, { format: 'webp', base64: 'UklGRg==' }] }),
          assistantMessage('A cat and a dog.'),
          userMessage('Which is bigger?'),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'Which is bigger?', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
          history: [
            {
              userInputMessage: {
                content: '(empty)',
                modelId: 'claude-sonnet-4.5',
                origin: 'AI_EDITOR',
                images: [
                  { format: 'jpeg', source: { bytes: '/9j/4AAQ' } },
                  { format: 'webp', source: { bytes: 'UklGRg==' } },
                ],
              },
            },
            { assistantResponseMessage: { content: 'A cat and a dog.' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });
  });

  describe('tools', () => {
    it('declares tools on the current message as toolSpecifications', () => {
      const input = conversation({ messages: [userMessage('Weather in Paris?')], tools: [WEATHER_TOOL] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Weather in Paris?',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: { tools: [WEATHER_SPEC] },
            },
          },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('repairs the tool schema: null required/properties dropped, missing type added', () => {
      const input = conversation({
        messages: [userMessage('Search')],
        tools: [{ name: 'search', description: 'Search the web.', parameters: { properties: null, required: null } }],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Search',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: {
                tools: [
                  {
                    toolSpecification: {
                      name: 'search',
                      description: 'Search the web.',
                      inputSchema: { json: { type: 'object', properties: {} } },
                    },
                  },
                ],
              },
            },
          },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('gives a tool with an empty description a "Tool: name" description', () => {
      const input = conversation({
        messages: [userMessage('Go')],
        tools: [{ name: 'ping', description: '   ', parameters: { type: 'object', properties: {} } }],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools).toStrictEqual([
        { toolSpecification: { name: 'ping', description: 'Tool: ping', inputSchema: { json: { type: 'object', properties: {} } } } },
      ]);
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('moves a description over the limit into the system text, after the client system text', () => {
      const input = conversation({
        system: ['Be brief.'],
        messages: [userMessage('Read a.txt')],
        tools: [{ name: 'read_file', description: 'Reads a file from disk and returns it.', parameters: { type: 'object', properties: {} } }],
      });

      const { body } = buildKiroRequest(input, { ...OPTIONS, toolDescriptionMaxLength: 20 });

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Be brief.\n\n## Tool: read_file\n\nReads a file from disk and returns it.\n\nRead a.txt',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: {
                tools: [
                  {
                    toolSpecification: {
                      name: 'read_file',
                      description: 'Full documentation of this tool is in the system prompt, section "## Tool: read_file".',
                      inputSchema: { json: { type: 'object', properties: {} } },
                    },
                  },
                ],
              },
            },
          },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('keeps a 10 000-character description under the default limit on the tool itself', () => {
      const description = 'x'.repeat(10_000);
      const input = conversation({
        messages: [userMessage('Go')],
        tools: [{ name: 'big', description, parameters: { type: 'object', properties: {} } }],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body.conversationState.currentMessage.userInputMessage.content).toBe('Go');
      expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.map(toolSpec)[0].description).toBe(description);
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('declares no tools with tool_choice none', () => {
      const input = conversation({ messages: [userMessage('Hello')], tools: [WEATHER_TOOL], toolChoice: { type: 'none' } });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'Hello', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('adds an instruction to the system text with tool_choice required', () => {
      const input = conversation({ messages: [userMessage('Hello')], tools: [WEATHER_TOOL], toolChoice: { type: 'required' } });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'You must call at least one of the available tools in your reply.\n\nHello',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: { tools: [WEATHER_SPEC] },
            },
          },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('names the tool in the system text with a named tool_choice', () => {
      const input = conversation({
        system: ['Be brief.'],
        messages: [userMessage('Hello')],
        tools: [WEATHER_TOOL],
        toolChoice: { type: 'tool', name: 'get_weather' },
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Be brief.\n\nYou must call the tool "get_weather" in your reply.\n\nHello',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: { tools: [WEATHER_SPEC] },
            },
          },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('adds no instruction with tool_choice required when no tools are declared', () => {
      const input = conversation({ messages: [userMessage('Hello')], toolChoice: { type: 'required' } });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body.conversationState.currentMessage.userInputMessage).toStrictEqual({
        content: 'Hello',
        modelId: 'claude-sonnet-4.5',
        origin: 'AI_EDITOR',
      });
    });
  });

  describe('tool calls and results', () => {
    it('sends a call in history and its result on the current message, with a placeholder text for each', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Weather in Paris?'),
          assistantMessage('', [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }]),
          userMessage('', { toolResults: [{ toolCallId: 'tooluse_1', text: '18°C', isError: false }] }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Tool results provided.',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: {
                toolResults: [{ toolUseId: 'tooluse_1', status: 'success', content: [{ text: '18°C' }] }],
                tools: [WEATHER_SPEC],
              },
            },
          },
          history: [
            { userInputMessage: { content: 'Weather in Paris?', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            {
              assistantResponseMessage: {
                content: '(calling tools)',
                toolUses: [{ toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }],
              },
            },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('keeps tool results in history turns and merges consecutive tool messages into one user turn', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Paris and Rome?'),
          assistantMessage('Checking both.', [
            { id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } },
            { id: 'tooluse_2', name: 'get_weather', input: { city: 'Rome' } },
          ]),
          userMessage('', { toolResults: [{ toolCallId: 'tooluse_1', text: '18°C', isError: false }] }),
          userMessage('', { toolResults: [{ toolCallId: 'tooluse_2', text: 'timeout', isError: true }] }),
          assistantMessage('Paris is 18°C; Rome failed.'),
          userMessage('Thanks'),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Thanks',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: { tools: [WEATHER_SPEC] },
            },
          },
          history: [
            { userInputMessage: { content: 'Paris and Rome?', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            {
              assistantResponseMessage: {
                content: 'Checking both.',
                toolUses: [
                  { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } },
                  { toolUseId: 'tooluse_2', name: 'get_weather', input: { city: 'Rome' } },
                ],
              },
            },
            {
              userInputMessage: {
                content: 'Tool results provided.',
                modelId: 'claude-sonnet-4.5',
                origin: 'AI_EDITOR',
                userInputMessageContext: {
                  toolResults: [
                    { toolUseId: 'tooluse_1', status: 'success', content: [{ text: '18°C' }] },
                    { toolUseId: 'tooluse_2', status: 'error', content: [{ text: 'timeout' }] },
                  ],
                },
              },
            },
            { assistantResponseMessage: { content: 'Paris is 18°C; Rome failed.' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('sends "(empty result)" for a tool result with no text', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Weather?'),
          assistantMessage('', [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }]),
          userMessage('', { toolResults: [{ toolCallId: 'tooluse_1', text: ' ', isError: false }] }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.toolResults).toStrictEqual([
        { toolUseId: 'tooluse_1', status: 'success', content: [{ text: '(empty result)' }] },
      ]);
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('turns a result that answers no call of the previous assistant turn into text', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Hi'),
          assistantMessage('Hello'),
          userMessage('Go on', { toolResults: [{ toolCallId: 'tooluse_9', text: 'stale', isError: false }] }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: '[Tool result (tooluse_9)]\nstale\n\nGo on',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: { tools: [WEATHER_SPEC] },
            },
          },
          history: [
            { userInputMessage: { content: 'Hi', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: 'Hello' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('turns a result at the very start of the conversation into text, after the system text', () => {
      const input = conversation({
        system: ['Be brief.'],
        tools: [WEATHER_TOOL],
        messages: [userMessage('', { toolResults: [{ toolCallId: 'tooluse_0', text: 'old', isError: false }] })],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Be brief.\n\n[Tool result (tooluse_0)]\nold',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: { tools: [WEATHER_SPEC] },
            },
          },
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('answers a call the next user turn does not answer with an error result', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Weather?'),
          assistantMessage('Let me check.', [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }]),
          userMessage('Never mind'),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Never mind',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: {
                toolResults: [
                  { toolUseId: 'tooluse_1', status: 'error', content: [{ text: 'No result was provided for this tool call.' }] },
                ],
                tools: [WEATHER_SPEC],
              },
            },
          },
          history: [
            { userInputMessage: { content: 'Weather?', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            {
              assistantResponseMessage: {
                content: 'Let me check.',
                toolUses: [{ toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }],
              },
            },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('answers the calls of a trailing assistant turn with error results on the Continue message', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [userMessage('Weather?'), assistantMessage('', [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }])],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body.conversationState.currentMessage.userInputMessage).toStrictEqual({
        content: 'Continue',
        modelId: 'claude-sonnet-4.5',
        origin: 'AI_EDITOR',
        userInputMessageContext: {
          toolResults: [{ toolUseId: 'tooluse_1', status: 'error', content: [{ text: 'No result was provided for this tool call.' }] }],
          tools: [WEATHER_SPEC],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('sends a result given twice for the same call only once', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Weather?'),
          assistantMessage('', [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }]),
          userMessage('', {
            toolResults: [
              { toolCallId: 'tooluse_1', text: 'first', isError: false },
              { toolCallId: 'tooluse_1', text: 'second', isError: false },
            ],
          }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.toolResults).toStrictEqual([
        { toolUseId: 'tooluse_1', status: 'success', content: [{ text: 'first' }] },
      ]);
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('builds a body the simulator accepts when a client reuses a tool call id in a later turn', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Weather in Paris?'),
          assistantMessage('', [{ id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }]),
          userMessage('', { toolResults: [{ toolCallId: 'call_1', text: '18°C', isError: false }] }),
          assistantMessage('18°C. Anything else?'),
          userMessage('And Rome?'),
          assistantMessage('', [{ id: 'call_1', name: 'get_weather', input: { city: 'Rome' } }]),
          userMessage('', { toolResults: [{ toolCallId: 'call_1', text: '24°C', isError: false }] }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(validateKiroRequest(body)).toBeNull();
    });

    it('renames a reused tool call id, and the result answering it, with a numeric suffix', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Weather in Paris?'),
          assistantMessage('', [{ id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }]),
          userMessage('', { toolResults: [{ toolCallId: 'call_1', text: '18°C', isError: false }] }),
          assistantMessage('', [{ id: 'call_1', name: 'get_weather', input: { city: 'Rome' } }]),
          userMessage('', { toolResults: [{ toolCallId: 'call_1', text: '24°C', isError: false }] }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Tool results provided.',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: {
                toolResults: [{ toolUseId: 'call_1_2', status: 'success', content: [{ text: '24°C' }] }],
                tools: [WEATHER_SPEC],
              },
            },
          },
          history: [
            { userInputMessage: { content: 'Weather in Paris?', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            {
              assistantResponseMessage: {
                content: '(calling tools)',
                toolUses: [{ toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
              },
            },
            {
              userInputMessage: {
                content: 'Tool results provided.',
                modelId: 'claude-sonnet-4.5',
                origin: 'AI_EDITOR',
                userInputMessageContext: { toolResults: [{ toolUseId: 'call_1', status: 'success', content: [{ text: '18°C' }] }] },
              },
            },
            {
              assistantResponseMessage: {
                content: '(calling tools)',
                toolUses: [{ toolUseId: 'call_1_2', name: 'get_weather', input: { city: 'Rome' } }],
              },
            },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('gives every reuse of an id its own suffix, past suffixes the client used itself', () => {
      const turn = (id: string): ConversationMessage[] => [
        assistantMessage('', [{ id, name: 'get_weather', input: {} }]),
        userMessage('', { toolResults: [{ toolCallId: id, text: id, isError: false }] }),
      ];
      const input = conversation({ tools: [WEATHER_TOOL], messages: [userMessage('go'), ...turn('call_x'), ...turn('call_x_2'), ...turn('call_x'), ...turn('call_x'), userMessage('done?')] });

      const { body } = buildKiroRequest(input, OPTIONS);

      const history = body.conversationState.history ?? [];
      const uses = history.flatMap((entry) => ('assistantResponseMessage' in entry ? (entry.assistantResponseMessage.toolUses ?? []).map((use) => use.toolUseId) : []));
      const users = [...history.flatMap((entry) => ('userInputMessage' in entry ? [entry.userInputMessage] : [])), body.conversationState.currentMessage.userInputMessage];
      const results = users.flatMap((message) => (message.userInputMessageContext?.toolResults ?? []).map((r) => r.toolUseId));
      expect(uses).toEqual(['call_x', 'call_x_2', 'call_x_3', 'call_x_4']);
      expect(results).toEqual(['call_x', 'call_x_2', 'call_x_3', 'call_x_4']);
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('writes history tool traffic as plain text when the request declares no tools', () => {
      const input = conversation({
        messages: [
          userMessage('Weather?'),
          assistantMessage('Let me check.', [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }]),
          userMessage('', { toolResults: [{ toolCallId: 'tooluse_1', text: '18°C', isError: false }] }),
          assistantMessage('', [{ id: 'tooluse_2', name: 'get_weather', input: { city: 'Rome' } }]),
          userMessage('And?', { toolResults: [{ toolCallId: 'tooluse_2', text: 'timeout', isError: true }] }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: '[Tool result (tooluse_2) error]\ntimeout\n\nAnd?',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
            },
          },
          history: [
            { userInputMessage: { content: 'Weather?', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: 'Let me check.\n\n[Tool call: get_weather (tooluse_1)]\n{"city":"Paris"}' } },
            { userInputMessage: { content: '[Tool result (tooluse_1)]\n18°C', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: '[Tool call: get_weather (tooluse_2)]\n{"city":"Rome"}' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('writes history tool traffic as plain text with tool_choice none', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        toolChoice: { type: 'none' },
        messages: [
          userMessage('Weather?'),
          assistantMessage('', [{ id: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }]),
          userMessage('', { toolResults: [{ toolCallId: 'tooluse_1', text: '18°C', isError: false }] }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: { content: '[Tool result (tooluse_1)]\n18°C', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' },
          },
          history: [
            { userInputMessage: { content: 'Weather?', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: '[Tool call: get_weather (tooluse_1)]\n{"city":"Paris"}' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('declares a placeholder spec for a tool used in history that the request no longer declares', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Search cats'),
          assistantMessage('', [{ id: 'tooluse_1', name: 'search_web', input: { q: 'cats' } }]),
          userMessage('', { toolResults: [{ toolCallId: 'tooluse_1', text: 'many cats', isError: false }] }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools).toStrictEqual([
        WEATHER_SPEC,
        {
          toolSpecification: {
            name: 'search_web',
            description: PLACEHOLDER_DESCRIPTION,
            inputSchema: { json: { type: 'object', properties: {} } },
          },
        },
      ]);
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('declares one placeholder per undeclared name even when history uses it several times', () => {
      const input = conversation({
        tools: [WEATHER_TOOL],
        messages: [
          userMessage('Search'),
          assistantMessage('', [
            { id: 'tooluse_1', name: 'search_web', input: { q: 'a' } },
            { id: 'tooluse_2', name: 'search_web', input: { q: 'b' } },
          ]),
          userMessage('', {
            toolResults: [
              { toolCallId: 'tooluse_1', text: 'A', isError: false },
              { toolCallId: 'tooluse_2', text: 'B', isError: false },
            ],
          }),
        ],
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      const names = body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.map((t) => toolSpec(t).name);
      expect(names).toEqual(['get_weather', 'search_web']);
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('uses the same shortened names for declared tools and history toolUses, and maps them back', () => {
      const longName = 'mcp__github_enterprise_server__create_or_update_repository_file_contents';
      const input = conversation({
        tools: [
          { name: longName, description: 'Write a file.', parameters: { type: 'object', properties: {} } },
          { name: 'files.read', description: 'Read a file.', parameters: { type: 'object', properties: {} } },
        ],
        messages: [
          userMessage('Copy a to b'),
          assistantMessage('', [
            { id: 'tooluse_1', name: 'files.read', input: { path: 'a' } },
            { id: 'tooluse_2', name: longName, input: { path: 'b' } },
          ]),
          userMessage('', {
            toolResults: [
              { toolCallId: 'tooluse_1', text: 'A', isError: false },
              { toolCallId: 'tooluse_2', text: 'ok', isError: false },
            ],
          }),
        ],
      });

      const { body, toolNames } = buildKiroRequest(input, OPTIONS);

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content: 'Tool results provided.',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
              userInputMessageContext: {
                toolResults: [
                  { toolUseId: 'tooluse_1', status: 'success', content: [{ text: 'A' }] },
                  { toolUseId: 'tooluse_2', status: 'success', content: [{ text: 'ok' }] },
                ],
                tools: [
                  {
                    toolSpecification: {
                      name: 'files_read',
                      description: 'Read a file.',
                      inputSchema: { json: { type: 'object', properties: {} } },
                    },
                  },
                  {
                    toolSpecification: {
                      name: 'mcp__github_enterprise_server__create_or_update_reposit_c44dd0d6',
                      description: 'Write a file.',
                      inputSchema: { json: { type: 'object', properties: {} } },
                    },
                  },
                ],
              },
            },
          },
          history: [
            { userInputMessage: { content: 'Copy a to b', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            {
              assistantResponseMessage: {
                content: '(calling tools)',
                toolUses: [
                  { toolUseId: 'tooluse_1', name: 'files_read', input: { path: 'a' } },
                  { toolUseId: 'tooluse_2', name: 'mcp__github_enterprise_server__create_or_update_reposit_c44dd0d6', input: { path: 'b' } },
                ],
              },
            },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
      expect(toolNames.originalName('mcp__github_enterprise_server__create_or_update_reposit_c44dd0d6')).toBe(longName);
      expect(toolNames.originalName('files_read')).toBe('files.read');
    });

    it('gives tools whose names differ only in case distinct Kiro names', () => {
      const input = conversation({
        messages: [userMessage('Go')],
        tools: [
          { name: 'Read', description: 'Read A.', parameters: { type: 'object', properties: {} } },
          { name: 'read', description: 'Read B.', parameters: { type: 'object', properties: {} } },
        ],
      });

      const { body, toolNames } = buildKiroRequest(input, OPTIONS);

      const names = body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.map((t) => toolSpec(t).name);
      expect(names).toEqual(['Read', 'read_3316348d']);
      expect(toolNames.originalName('read_3316348d')).toBe('read');
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('uses the shortened name in a named tool_choice instruction', () => {
      const input = conversation({
        messages: [userMessage('Go')],
        tools: [{ name: 'files.read', description: 'Read a file.', parameters: { type: 'object', properties: {} } }],
        toolChoice: { type: 'tool', name: 'files.read' },
      });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(body.conversationState.currentMessage.userInputMessage.content).toBe('You must call the tool "files_read" in your reply.\n\nGo');
    });
  });

  describe('options', () => {
    it('sends profileArn at the top level when one is given', () => {
      const input = conversation({ messages: [userMessage('Hello')] });

      const { body } = buildKiroRequest(input, { ...OPTIONS, profileArn: 'arn:aws:codewhisperer:us-east-1:699475941385:profile/EHGA3GRVQMUK' });

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: { userInputMessage: { content: 'Hello', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
        },
        profileArn: 'arn:aws:codewhisperer:us-east-1:699475941385:profile/EHGA3GRVQMUK',
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('sends no profileArn key when none is given', () => {
      const input = conversation({ messages: [userMessage('Hello')] });

      const { body } = buildKiroRequest(input, OPTIONS);

      expect(Object.keys(body)).toEqual(['conversationState']);
    });

    it('prefixes only the current message with the thinking instruction when thinkingBudget is set', () => {
      const input = conversation({ messages: [userMessage('Hi'), assistantMessage('Hello!'), userMessage('Why is the sky blue?')] });

      const { body } = buildKiroRequest(input, { ...OPTIONS, thinkingBudget: 4000 });

      expect(body).toStrictEqual({
        conversationState: {
          chatTriggerType: 'MANUAL',
          conversationId: 'conv-0001',
          currentMessage: {
            userInputMessage: {
              content:
                '<thinking_mode>enabled</thinking_mode>\n<max_thinking_length>4000</max_thinking_length>\n' +
                '<thinking_instruction>Think through the request inside <thinking>...</thinking> before answering.</thinking_instruction>\n\n' +
                'Why is the sky blue?',
              modelId: 'claude-sonnet-4.5',
              origin: 'AI_EDITOR',
            },
          },
          history: [
            { userInputMessage: { content: 'Hi', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
            { assistantResponseMessage: { content: 'Hello!' } },
          ],
        },
      });
      expect(validateKiroRequest(body)).toBeNull();
    });

    it('uses the given conversationId and modelId verbatim', () => {
      const input = conversation({ messages: [userMessage('Hello')] });

      const { body } = buildKiroRequest(input, { ...OPTIONS, conversationId: '7f1c1b8e-2d0a-4c55-9d55-0d5b1b4f0e11', modelId: 'claude-haiku-4.5' });

      expect(body.conversationState.conversationId).toBe('7f1c1b8e-2d0a-4c55-9d55-0d5b1b4f0e11');
      expect(body.conversationState.currentMessage.userInputMessage.modelId).toBe('claude-haiku-4.5');
      expect(validateKiroRequest(body)).toBeNull();
    });
  });
});

describe('structured output', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

  it('asks for JSON matching the schema on the current turn only, after the user text', () => {
    const input = conversation({
      messages: [userMessage('Earlier question'), assistantMessage('Earlier answer'), userMessage('Which city?')],
      responseFormat: { kind: 'json_schema', name: 'place', schema },
    });

    const { body } = buildKiroRequest(input, OPTIONS);

    const current = body.conversationState.currentMessage.userInputMessage.content;
    expect(current.startsWith('Which city?\n\nAnswer with a single JSON value that conforms to the JSON Schema "place" below.')).toBe(true);
    expect(current.endsWith(JSON.stringify(schema))).toBe(true);
    expect(JSON.stringify(body.conversationState.history)).not.toContain('JSON');
    expect(validateKiroRequest(body)).toBeNull();
  });

  it('asks for a JSON object in JSON mode', () => {
    const { body } = buildKiroRequest(conversation({ messages: [userMessage('Hi')], responseFormat: { kind: 'json_object' } }), OPTIONS);

    expect(body.conversationState.currentMessage.userInputMessage.content).toBe(
      'Hi\n\nAnswer with a single JSON object. Reply with the JSON only: no prose before or after it, no Markdown code fence.',
    );
  });

  it('adds nothing without a response format', () => {
    const { body } = buildKiroRequest(conversation({ messages: [userMessage('Hi')] }), OPTIONS);

    expect(body.conversationState.currentMessage.userInputMessage.content).toBe('Hi');
  });
});

describe('native reasoning (kiro-protocol.md §9.5)', () => {
  const NATIVE: KiroBuildOptions = {
    ...OPTIONS,
    modelId: 'claude-opus-4.6',
    native: { fields: { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'high' } }, thinking: true },
  };
  const thought = 'The user greets me.';
  const signature = signReasoning(thought);
  const signedTurn = { ...assistantMessage('Hello!'), reasoning: thought, signedReasoning: { text: thought, signature } };

  it('sends the fields at the top level and no thinking tags', () => {
    const { body } = buildKiroRequest(conversation({ messages: [userMessage('Hi')] }), NATIVE);

    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'high' } });
    expect(body.conversationState.currentMessage.userInputMessage.content).toBe('Hi');
    expect(validateKiroRequest(body)).toBeNull();
  });

  it('hands signed reasoning back as reasoningContent, not as tags', () => {
    const { body } = buildKiroRequest(conversation({ messages: [userMessage('Hi'), signedTurn, userMessage('Again')] }), NATIVE);

    expect(body.conversationState.history?.[1]).toStrictEqual({
      assistantResponseMessage: { content: 'Hello!', reasoningContent: { reasoningText: { text: thought, signature } } },
    });
    expect(validateKiroRequest(body)).toBeNull();
  });

  it('hands redacted reasoning back as redactedContent', () => {
    const redacted = { ...assistantMessage('Hello!'), signedReasoning: { redacted: 'b3BhcXVl' } };

    const { body } = buildKiroRequest(conversation({ messages: [userMessage('Hi'), redacted, userMessage('Again')] }), NATIVE);

    expect(body.conversationState.history?.[1]).toStrictEqual({ assistantResponseMessage: { content: 'Hello!', reasoningContent: { redactedContent: 'b3BhcXVl' } } });
  });

  it('drops unsigned reasoning', () => {
    const unsigned = { ...assistantMessage('Hello!'), reasoning: 'Unsigned thought.' };

    const { body } = buildKiroRequest(conversation({ messages: [userMessage('Hi'), unsigned, userMessage('Again')] }), NATIVE);

    expect(body.conversationState.history?.[1]).toStrictEqual({ assistantResponseMessage: { content: 'Hello!' } });
  });

  it('leaves reasoning out of history when thinking is off', () => {
    const off: KiroBuildOptions = { ...NATIVE, native: { fields: { thinking: { type: 'disabled' } }, thinking: false } };

    const { body } = buildKiroRequest(conversation({ messages: [userMessage('Hi'), signedTurn, userMessage('Again')] }), off);

    expect(body.conversationState.history?.[1]).toStrictEqual({ assistantResponseMessage: { content: 'Hello!' } });
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: 'disabled' } });
  });

  it('keeps signed reasoning on a tool-call turn when no tools are declared', () => {
    const calling = { ...assistantMessage('', [{ id: 't1', name: 'get_weather', input: {} }]), signedReasoning: { text: thought, signature } };

    const { body } = buildKiroRequest(conversation({ messages: [userMessage('Hi'), calling, userMessage('Again')] }), NATIVE);

    const turn = body.conversationState.history?.[1];
    expect(turn && 'assistantResponseMessage' in turn ? turn.assistantResponseMessage.reasoningContent : undefined).toEqual({ reasoningText: { text: thought, signature } });
  });
});

describe(`${buildKiroRequest.name} (prompt caching, §9.6)`, () => {
  const tool = (name: string): ToolDefinition => ({ name, description: `The ${name} tool.`, parameters: { type: 'object', properties: {} } });
  const session = (): Conversation =>
    conversation({
      system: ['You are an agent.'],
      tools: [tool('Write'), tool('Bash'), tool('Read')],
      cacheCheckpoints: { system: true, tools: true },
      messages: [
        userMessage('first'),
        assistantMessage('one'),
        { ...userMessage('second'), cacheCheckpoint: true },
        assistantMessage('two'),
        { ...userMessage('third'), cacheCheckpoint: true },
      ],
    });
  const marks = (body: ReturnType<typeof buildKiroRequest>['body']) => [
    ...(body.conversationState.history ?? []).map((entry) => ('userInputMessage' in entry ? entry.userInputMessage.cachePoint : entry.assistantResponseMessage.cachePoint) !== undefined),
    body.conversationState.currentMessage.userInputMessage.cachePoint !== undefined,
  ];

  it('declares the tools in name order, whatever order the client lists them in', () => {
    const { body } = buildKiroRequest(session(), OPTIONS);

    expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.map((t) => toolSpec(t).name)).toStrictEqual(['Bash', 'Read', 'Write']);
  });

  it('sends no cachePoint to a model without prompt caching', () => {
    const { body } = buildKiroRequest(session(), OPTIONS);

    expect(JSON.stringify(body)).not.toContain('cachePoint');
  });

  it("passes the client's checkpoints: after the tools, after the system text's turn and after marked turns", () => {
    const { body } = buildKiroRequest(session(), { ...OPTIONS, modelId: 'claude-sonnet-4.6', cacheCheckpoints: 4 });

    expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.at(-1)).toStrictEqual({ cachePoint: { type: 'default' } });
    expect(marks(body)).toStrictEqual([true, false, true, false, true]);
    expect(validateKiroRequest(body)).toBeNull();
    // The simulator is as strict as its catalog: no checkpoint for a model without prompt caching.
    expect(validateKiroRequest(buildKiroRequest(session(), { ...OPTIONS, cacheCheckpoints: 4 }).body)?.detail).toMatch(/does not support prompt caching/);
  });

  it('places checkpoints as Kiro clients do when the API has no marks: after the tools, the system turn and the newest turn', () => {
    const unmarked: Conversation = { ...session(), cacheCheckpoints: undefined, messages: session().messages.map(({ cacheCheckpoint: _mark, ...message }) => message as ConversationMessage) };

    const { body } = buildKiroRequest(unmarked, { ...OPTIONS, modelId: 'claude-sonnet-4.6', cacheCheckpoints: 4 });

    expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.at(-1)).toStrictEqual({ cachePoint: { type: 'default' } });
    expect(marks(body)).toStrictEqual([true, false, false, false, true]);
  });

  it('places none for an Anthropic request without cache_control', () => {
    const unmarked: Conversation = { ...session(), cacheCheckpoints: { system: false, tools: false }, messages: session().messages.map(({ cacheCheckpoint: _mark, ...message }) => message as ConversationMessage) };

    const { body } = buildKiroRequest(unmarked, { ...OPTIONS, modelId: 'claude-sonnet-4.6', cacheCheckpoints: 4 });

    expect(JSON.stringify(body)).not.toContain('cachePoint');
  });

  it("keeps within the model's limit: the tools first, then the latest turns", () => {
    const { body } = buildKiroRequest(session(), { ...OPTIONS, cacheCheckpoints: 2 });

    expect(body.conversationState.currentMessage.userInputMessage.userInputMessageContext?.tools?.at(-1)).toStrictEqual({ cachePoint: { type: 'default' } });
    expect(marks(body)).toStrictEqual([false, false, false, false, true]);
  });
});
