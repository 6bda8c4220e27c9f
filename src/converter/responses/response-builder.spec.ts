import type { AssistantEvent, FinishReason } from '../assistant/assistant-events';
import type { SignedReasoning } from '../conversation';
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
    const builder = new ResponseBuilder('m', ECHO, { sealReasoning: ({ text }) => `sealed(${text})` });

    for (const event of [{ type: 'reasoning', text: 'Think.' }, { type: 'text', text: 'Hi' }, END] as AssistantEvent[]) builder.process(event);

    expect(builder.response().output[0]).toEqual({ id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [{ type: 'summary_text', text: 'Think.' }], encrypted_content: 'sealed(Think.)' });
  });

  it('seals a native thought with its signature, which closes the reasoning item', () => {
    const builder = new ResponseBuilder('m', ECHO, { sealReasoning: (thought) => `sealed(${JSON.stringify(thought)})` });

    const events = [{ type: 'reasoning', text: 'Think.' }, { type: 'reasoningSignature', signature: 'sig' }].flatMap((event) => builder.process(event as AssistantEvent));

    expect(events.at(-1)).toMatchObject({ type: 'response.output_item.done', output_index: 0 });
    expect(builder.response().output[0]).toMatchObject({ encrypted_content: 'sealed({"text":"Think.","signed":{"text":"Think.","signature":"sig"}})' });
  });

  it('seals redacted reasoning into an item of its own', () => {
    const builder = new ResponseBuilder('m', ECHO, { sealReasoning: (thought) => `sealed(${JSON.stringify(thought)})` });

    for (const event of [{ type: 'redactedReasoning', data: 'b3Bh' }, END] as AssistantEvent[]) builder.process(event);

    expect(builder.response().output[0]).toEqual({ id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [], encrypted_content: 'sealed({"text":"","signed":{"redacted":"b3Bh"}})' });
  });

  it('leaves redacted reasoning out when nothing is sealed', () => {
    const builder = new ResponseBuilder('m', ECHO);

    for (const event of [{ type: 'redactedReasoning', data: 'b3Bh' }, END] as AssistantEvent[]) builder.process(event);

    expect(builder.response().output).toEqual([]);
  });

  it('hands every signed and redacted thought to signedThoughts, in order, sealed or not', () => {
    const signedThoughts: SignedReasoning[] = [];
    const builder = new ResponseBuilder('m', ECHO, { signedThoughts });
    const events = [{ type: 'reasoning', text: 'Think.' }, { type: 'reasoningSignature', signature: 'sig' }, { type: 'reasoning', text: 'Unsigned.' }, { type: 'redactedReasoning', data: 'b3Bh' }, END];

    for (const event of events as AssistantEvent[]) builder.process(event);

    expect(signedThoughts).toStrictEqual([{ text: 'Think.', signature: 'sig' }, { redacted: 'b3Bh' }]);
  });

  it('leaves encrypted_content out unless asked', () => {
    const builder = new ResponseBuilder('m', ECHO);

    for (const event of [{ type: 'reasoning', text: 'Think.' }, END] as AssistantEvent[]) builder.process(event);

    expect(builder.response().output[0]).not.toHaveProperty('encrypted_content');
  });
});

describe(`${ResponseBuilder.name} (stream events)`, () => {
  const text = (t: string): AssistantEvent => ({ type: 'text', text: t });
  const end = (finishReason: FinishReason): AssistantEvent => ({ type: 'end', finishReason, usage: { inputTokens: 3, outputTokens: 2 } });

  it('numbers every event from 0, start to end', () => {
    const builder = new ResponseBuilder('m', ECHO);

    const events = [...builder.start(), ...[text('Hi'), text('!'), end('stop')].flatMap((event) => builder.process(event))];

    expect(events.map((event) => event.sequence_number)).toStrictEqual(events.map((_, i) => i));
    expect(events.map((event) => event.type)).toStrictEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
  });

  it('streams a whole function call as added, one arguments delta, done, item done', () => {
    const builder = new ResponseBuilder('m', ECHO);

    const events = [...call('get_weather', '{"city":"Paris"}'), END].flatMap((event) => builder.process(event));

    expect(events.map((event) => [event.type, event.delta ?? event.arguments ?? (event.item as { status?: string } | undefined)?.status])).toStrictEqual([
      ['response.output_item.added', 'in_progress'],
      ['response.function_call_arguments.delta', '{"city":"Paris"}'],
      ['response.function_call_arguments.done', '{"city":"Paris"}'],
      ['response.output_item.done', 'completed'],
      ['response.completed', undefined],
    ]);
  });

  it('ends the open message incomplete, not completed, when the answer was cut short', () => {
    const builder = new ResponseBuilder('m', ECHO);

    const events = [text('Partial'), end('length')].flatMap((event) => builder.process(event));

    const done = events.find((event) => event.type === 'response.output_item.done');
    expect((done?.item as { status: string }).status).toBe('incomplete');
    expect(events.at(-1)?.type).toBe('response.incomplete');
    expect(builder.result()).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', status: 'incomplete' }] });
  });

  it.each([
    ['content_filter', 'incomplete', { reason: 'content_filter' }],
    ['context_window', 'incomplete', { reason: 'max_output_tokens' }],
    ['pause', 'completed', null],
  ] as const)('ends an answer that finished as %s %s, with incomplete_details %o', (finishReason, status, details) => {
    const builder = new ResponseBuilder('m', ECHO);

    const events = [text('Partial'), end(finishReason)].flatMap((event) => builder.process(event));

    expect(events.at(-1)?.type).toBe(`response.${status}`);
    expect(builder.result()).toMatchObject({ status, incomplete_details: details });
  });

  it("reports Kiro's credits as usage.credits_used", () => {
    const builder = new ResponseBuilder('m', ECHO);

    builder.process({ type: 'end', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2, credits: 0.5 } });

    expect(builder.result().usage).toStrictEqual({ input_tokens: 3, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 5, credits_used: 0.5 });
  });

  it('keeps a custom tool input that is not a string as its JSON', () => {
    const { map } = responsesTools([{ type: 'custom', name: 'apply_patch' }]);
    const builder = new ResponseBuilder('m', ECHO, { tools: map });

    for (const event of [...call('apply_patch', '{"patch":"x"}'), END]) builder.process(event);

    expect(builder.result().output[0]).toMatchObject({ type: 'custom_tool_call', input: '{"patch":"x"}' });
  });

  it('fails with response.failed carrying the error, the open item incomplete, after the last event', () => {
    const builder = new ResponseBuilder('m', ECHO);
    builder.start();
    builder.process(text('Partial'));

    const events = builder.fail(new Error('boom'));

    expect(events.map((event) => event.type)).toStrictEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.failed']);
    expect(builder.result()).toMatchObject({
      status: 'failed',
      error: { code: 'internal_error', message: 'The gateway failed unexpectedly while handling this request.' },
      output: [{ type: 'message', status: 'incomplete' }],
    });
  });

  it('numbers keep-alive events in the same sequence, and has none once the response ended', () => {
    const builder = new ResponseBuilder('m', ECHO);
    const started = builder.start();

    const keepalive = builder.keepAlive();
    const rest = [text('Hi'), end('stop')].flatMap((event) => builder.process(event));

    expect(keepalive).toStrictEqual({ type: 'keepalive', sequence_number: started.length });
    expect(rest[0].sequence_number).toBe(started.length + 1);
    expect(builder.keepAlive()).toBeUndefined();
  });
});

describe(`${ResponseBuilder.name} (web search)`, () => {
  const SEARCH: AssistantEvent[] = [
    { type: 'webSearch', id: 'tooluse_1', query: 'codex' },
    { type: 'webSearchResult', id: 'tooluse_1', query: 'codex', hits: [{ title: 'Codex', url: 'https://developers.openai.com/codex', snippet: 's' }] },
  ];

  it('streams a search as a web_search_call item: added, in_progress, searching, completed, done', () => {
    const builder = new ResponseBuilder('m', ECHO);

    const events = SEARCH.flatMap((event) => builder.process(event));

    expect(events.map((event) => [event.type, (event.item as { status?: string } | undefined)?.status])).toStrictEqual([
      ['response.output_item.added', 'in_progress'],
      ['response.web_search_call.in_progress', undefined],
      ['response.web_search_call.searching', undefined],
      ['response.web_search_call.completed', undefined],
      ['response.output_item.done', 'completed'],
    ]);
    expect(new Set(events.map((event) => event.item_id ?? (event.item as { id: string }).id)).size).toBe(1);
  });

  it('puts the query and the sources in the item of the response', () => {
    const builder = new ResponseBuilder('m', ECHO);
    for (const event of SEARCH) builder.process(event);

    expect(builder.result().output).toEqual([
      { id: expect.stringMatching(/^ws_/), type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'codex', sources: [{ type: 'url', url: 'https://developers.openai.com/codex' }] } },
    ]);
  });

  it('marks a search that was not run failed', () => {
    const builder = new ResponseBuilder('m', ECHO);
    builder.process({ type: 'webSearch', id: 'tooluse_2', query: 'q' });
    builder.process({ type: 'webSearchResult', id: 'tooluse_2', query: 'q', hits: [], refusal: 'max_uses_exceeded' });

    expect(builder.result().output[0]).toMatchObject({ type: 'web_search_call', status: 'failed' });
  });
});
