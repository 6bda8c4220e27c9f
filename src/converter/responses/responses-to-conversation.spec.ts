import { assistantTurnOf, responsesToConversation } from './responses-to-conversation';

const request = (input: unknown[]) => ({ model: 'claude-sonnet-4.5', input });

describe(responsesToConversation.name, () => {
  it('reads a namespaced function_call into a call of the flattened tool', () => {
    const { conversation } = responsesToConversation(
      request([
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Close it' }] },
        { type: 'function_call', call_id: 'call_1', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a1"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'closed' },
      ]),
    );

    expect(conversation.messages.slice(1)).toStrictEqual([
      { role: 'assistant', text: '', toolCalls: [{ id: 'call_1', name: 'multi_agent_v1__close_agent', input: { target: 'a1' } }] },
      { role: 'user', text: '', images: [], toolResults: [{ toolCallId: 'call_1', text: 'closed', isError: false }] },
    ]);
  });

  it('reads function_call arguments sent as the object itself, as chat completions does', () => {
    const { conversation } = responsesToConversation(
      request([
        { type: 'message', role: 'user', content: 'Close it' },
        { type: 'function_call', call_id: 'call_1', name: 'close', arguments: { target: 'a1' } },
        { type: 'function_call_output', call_id: 'call_1', output: 'closed' },
      ]),
    );

    expect(conversation.messages[1]).toStrictEqual({ role: 'assistant', text: '', toolCalls: [{ id: 'call_1', name: 'close', input: { target: 'a1' } }] });
  });

  it('names the field and the client text when function_call arguments are not JSON', () => {
    const attempt = () => responsesToConversation(request([{ type: 'function_call', call_id: 'call_1', name: 'close', arguments: '{"target":' }]));

    expect(attempt).toThrow('input[0].arguments is not valid JSON: {"target":');
  });

  it('reads custom_tool_call and its output into a call with one input argument and its result', () => {
    const { conversation } = responsesToConversation(
      request([
        { type: 'message', role: 'user', content: 'Patch it' },
        { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: 'Done' },
      ]),
    );

    expect(conversation.messages.slice(1)).toStrictEqual([
      { role: 'assistant', text: '', toolCalls: [{ id: 'call_2', name: 'apply_patch', input: { input: '*** Begin Patch' } }] },
      { role: 'user', text: '', images: [], toolResults: [{ toolCallId: 'call_2', text: 'Done', isError: false }] },
    ]);
  });

  it('gives the reasoning it can read back to the assistant turn after it', () => {
    const { conversation } = responsesToConversation(
      request([
        { type: 'message', role: 'user', content: 'Hi' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'summary' }], encrypted_content: 'sealed-1' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello' }] },
        { type: 'message', role: 'user', content: 'Again' },
      ]),
      [],
      { openReasoning: (content) => (content === 'sealed-1' ? { text: 'I should greet back.' } : undefined) },
    );

    expect(conversation.messages[1]).toStrictEqual({ role: 'assistant', text: 'Hello', toolCalls: [], reasoning: 'I should greet back.' });
  });

  it('gives the next assistant turn the signed native thought a reasoning item sealed', () => {
    const { conversation } = responsesToConversation(
      request([
        { type: 'message', role: 'user', content: 'Hi' },
        { type: 'reasoning', summary: [], encrypted_content: 'sealed-1' },
        { type: 'reasoning', summary: [], encrypted_content: 'sealed-2' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello' }] },
        { type: 'message', role: 'user', content: 'Again' },
      ]),
      [],
      { openReasoning: (content) => ({ text: content, signed: { text: content, signature: `sig-${content}` } }) },
    );

    expect(conversation.messages[1]).toStrictEqual({
      role: 'assistant',
      text: 'Hello',
      toolCalls: [],
      reasoning: 'sealed-1\n\nsealed-2',
      signedReasoning: { text: 'sealed-1', signature: 'sig-sealed-1' },
    });
  });

  it('ignores reasoning it cannot read back, and reasoning without encrypted content', () => {
    const { conversation } = responsesToConversation(
      request([
        { type: 'message', role: 'user', content: 'Hi' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'summary only' }] },
        { type: 'reasoning', summary: [], encrypted_content: 'someone-else' },
        { type: 'message', role: 'assistant', content: 'Hello' },
      ]),
      [],
      { openReasoning: () => undefined },
    );

    expect(conversation.messages[1]).toStrictEqual({ role: 'assistant', text: 'Hello', toolCalls: [] });
  });

  it('reads an earlier web_search_call as what the assistant searched and found', () => {
    const { conversation } = responsesToConversation(
      request([
        { role: 'user', content: 'Find it' },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'codex', sources: [{ type: 'url', url: 'https://a.example/' }] } },
      ]),
    );

    expect(conversation.messages[1]).toStrictEqual({ role: 'assistant', text: '[Searched the web for "codex"]\n- https://a.example/', toolCalls: [] });
  });

  it('declares the hosted web_search as the gateway\'s search tool, and takes it as a forced tool choice', () => {
    const { conversation } = responsesToConversation({ ...request([{ role: 'user', content: 'hi' }]), tools: [{ type: 'web_search' }], tool_choice: { type: 'web_search' } });

    expect(conversation.webSearch).toStrictEqual({ toolName: 'web_search' });
    expect(conversation.toolChoice).toStrictEqual({ type: 'tool', name: 'web_search' });
  });
});

describe(assistantTurnOf.name, () => {
  it('keeps namespaced and custom calls under their conversation names, the reasoning, and the searches as text', () => {
    expect(
      assistantTurnOf([
        { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan.' }] },
        { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'c1', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"a"}' },
        { id: 'ctc_1', type: 'custom_tool_call', status: 'completed', call_id: 'c2', name: 'apply_patch', input: 'patch' },
        { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q' } },
      ]),
    ).toStrictEqual({
      role: 'assistant',
      text: '[Searched the web for "q"]\n\n',
      reasoning: 'Plan.',
      toolCalls: [
        { id: 'c1', name: 'multi_agent_v1__close_agent', input: { target: 'a' } },
        { id: 'c2', name: 'apply_patch', input: { input: 'patch' } },
      ],
    });
  });

  it("carries the response's first signed thought as the turn's signed reasoning", () => {
    const output = [{ id: 'rs_1', type: 'reasoning' as const, summary: [{ type: 'summary_text' as const, text: 'Plan.' }] }];

    expect(assistantTurnOf(output, [{ text: 'Plan.', signature: 'sig' }, { redacted: 'b3Bh' }])).toStrictEqual({
      role: 'assistant',
      text: '',
      reasoning: 'Plan.',
      toolCalls: [],
      signedReasoning: { text: 'Plan.', signature: 'sig' },
    });
  });
});
