import type { AssistantEvent } from '../assistant/assistant-events';
import { ResponseBuilder } from './response-builder';
import type { ResponseEcho } from './responses.types';
import { responsesTools } from './responses-tools';

const ECHO = {} as ResponseEcho;
const END: AssistantEvent = { type: 'end', finishReason: 'tool_calls', usage: { inputTokens: 1, outputTokens: 1 } };
const call = (name: string, args: string): AssistantEvent[] => [
  { type: 'toolCall', index: 0, id: 'call_1', name, arguments: args, input: JSON.parse(args) as Record<string, unknown> },
];

describe(ResponseBuilder.name, () => {
  const { map } = responsesTools([
    { type: 'namespace', name: 'multi_agent_v1', tools: [{ type: 'function', name: 'close_agent', parameters: {} }] },
    { type: 'custom', name: 'apply_patch' },
  ]);

  it('renders a namespaced call as a function_call with name and namespace apart', () => {
    const builder = new ResponseBuilder('m', ECHO, { tools: map });

    for (const event of [...call('multi_agent_v1__close_agent', '{"target":"a"}'), END]) builder.process(event);

    expect(builder.response().output).toEqual([
      { id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'call_1', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a"}' },
    ]);
  });

  it('renders a custom tool call as a custom_tool_call with its raw input, streamed as input events', () => {
    const builder = new ResponseBuilder('m', ECHO, { tools: map });

    const events = [...call('apply_patch', '{"input":"*** Begin Patch\\n"}'), END].flatMap((event) => builder.process(event));

    expect(events.map((event) => event.type)).toStrictEqual([
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]).toMatchObject({ input: '*** Begin Patch\n' });
    expect(builder.response().output).toEqual([
      { id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'call_1', name: 'apply_patch', input: '*** Begin Patch\n' },
    ]);
  });

  it('seals the reasoning into encrypted_content when asked to', () => {
    const builder = new ResponseBuilder('m', ECHO, { sealReasoning: (text) => `sealed(${text})` });

    for (const event of [{ type: 'reasoning', text: 'Think.' }, { type: 'text', text: 'Hi' }, END] as AssistantEvent[]) builder.process(event);

    expect(builder.response().output[0]).toEqual({ id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [{ type: 'summary_text', text: 'Think.' }], encrypted_content: 'sealed(Think.)' });
  });

  it('leaves encrypted_content out unless asked', () => {
    const builder = new ResponseBuilder('m', ECHO);

    for (const event of [{ type: 'reasoning', text: 'Think.' }, END] as AssistantEvent[]) builder.process(event);

    expect(builder.response().output[0]).not.toHaveProperty('encrypted_content');
  });
});
