import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import request from 'supertest';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Native reasoning end to end (kiro-protocol.md §9.5), against the simulator's native-reasoning
 * models (claude-opus-4.6: low…max; claude-sonnet-4.6: low…high) and one without it
 * (claude-sonnet-4.5), in all three APIs.
 */

interface KiroBody {
  additionalModelRequestFields?: Record<string, unknown>;
  conversationState: {
    currentMessage: { userInputMessage: { content: string } };
    history?: Array<{ assistantResponseMessage?: { content: string; reasoningContent?: unknown } }>;
  };
}

const BASH: Anthropic.Tool = {
  name: 'Bash',
  description: 'Runs a shell command.',
  input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
};

/** Anthropic's adaptive thinking (newer than this SDK's types) at the medium effort. */
const ADAPTIVE_MEDIUM = { thinking: { type: 'adaptive' } as unknown as Anthropic.ThinkingConfigParam, output_config: { effort: 'medium' } } as const;

describe('native reasoning (e2e)', () => {
  let h: Harness;
  let anthropic: Anthropic;

  beforeAll(async () => {
    h = await startHarness({ env: { MAX_RETRIES: '0', FAKE_REASONING: 'true' } });
    anthropic = new Anthropic({ apiKey: PROXY_KEY, baseURL: h.url, maxRetries: 0 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  const chatBodies = (): KiroBody[] => h.sim.requests.filter((r) => r.path === '/generateAssistantResponse').map((r) => r.body as KiroBody);
  const lastBody = (): KiroBody => chatBodies().at(-1)!;

  describe('Anthropic Messages', () => {
    it('asks Kiro natively for adaptive thinking and relays signed thinking', async () => {
      const message = await anthropic.messages.create({
        model: 'claude-opus-4-6',
        max_tokens: 1024,
        thinking: { type: 'adaptive' } as unknown as Anthropic.ThinkingConfigParam,
        output_config: { effort: 'max' },
        messages: [{ role: 'user', content: 'Hi' }],
      } as Anthropic.MessageCreateParamsNonStreaming);

      expect(lastBody().additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'max' } });
      expect(lastBody().conversationState.currentMessage.userInputMessage.content).not.toContain('<thinking_mode>');
      const [thinking, text] = message.content;
      expect(thinking).toEqual({ type: 'thinking', thinking: 'Thinking natively at max effort: I answer what the user asked.', signature: expect.any(String) });
      expect((thinking as Anthropic.ThinkingBlock).signature.length).toBeGreaterThan(20);
      expect(text.type).toBe('text');
    });

    it('streams the joined signature as one signature_delta that closes the thinking block', async () => {
      const stream = anthropic.messages.stream({
        model: 'claude-opus-4-6',
        max_tokens: 1024,
        thinking: { type: 'enabled', budget_tokens: 2_000 },
        messages: [{ role: 'user', content: 'Hi' }],
      });
      const deltas: string[] = [];
      stream.on('streamEvent', (event) => {
        if (event.type === 'content_block_delta') deltas.push(event.delta.type);
      });
      const message = await stream.finalMessage();

      // budget_tokens is no Kiro field: 2,000 tokens is the low effort.
      expect(lastBody().additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'low' } });
      expect(deltas.filter((type) => type === 'signature_delta')).toHaveLength(1);
      expect(deltas.indexOf('signature_delta')).toBeLessThan(deltas.indexOf('text_delta'));
      expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Thinking natively at low effort: I answer what the user asked.' });
    });

    it('keeps thinking through a tool loop when the signed thinking comes back', async () => {
      const first = await anthropic.messages.create({
        model: 'claude-opus-4-6',
        max_tokens: 1024,
        ...ADAPTIVE_MEDIUM,
        tools: [BASH],
        messages: [{ role: 'user', content: '[sim:shell echo hi]' }],
      });
      const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
      expect(first.content[0].type).toBe('thinking');

      const second = await anthropic.messages.create({
        model: 'claude-opus-4-6',
        max_tokens: 1024,
        ...ADAPTIVE_MEDIUM,
        tools: [BASH],
        messages: [
          { role: 'user', content: '[sim:shell echo hi]' },
          { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'hi' }] },
        ],
      });

      const thought = first.content[0] as Anthropic.ThinkingBlock;
      expect(lastBody().conversationState.history?.[1].assistantResponseMessage?.reasoningContent).toEqual({
        reasoningText: { text: thought.thinking, signature: thought.signature },
      });
      expect(second.content[0]).toMatchObject({ type: 'thinking', thinking: 'Thinking natively at medium effort: the tool has answered, so I report what it returned.' });
    });

    it('drops unsigned thinking from history (Kiro refuses it), so the model stops thinking on the tool turn', async () => {
      const message = await anthropic.messages.create({
        model: 'claude-opus-4-6',
        max_tokens: 1024,
        ...ADAPTIVE_MEDIUM,
        tools: [BASH],
        messages: [
          { role: 'user', content: 'Run it' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Unsigned.', signature: '' },
              { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'echo hi' } },
            ],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'hi' }] },
        ],
      });

      expect(lastBody().conversationState.history?.[1].assistantResponseMessage).not.toHaveProperty('reasoningContent');
      expect(message.content.map((block) => block.type)).toEqual(['text']);
    });

    it('relays redacted reasoning as a redacted_thinking block, and hands it back as redactedContent', async () => {
      const first = await anthropic.messages.create({
        model: 'claude-opus-4-6',
        max_tokens: 1024,
        ...ADAPTIVE_MEDIUM,
        messages: [{ role: 'user', content: '[sim:redacted] Hi' }],
      });
      const redacted = first.content[0] as Anthropic.RedactedThinkingBlock;
      expect(redacted.type).toBe('redacted_thinking');

      await anthropic.messages.create({
        model: 'claude-opus-4-6',
        max_tokens: 1024,
        ...ADAPTIVE_MEDIUM,
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
          { role: 'user', content: 'Again' },
        ],
      });

      expect(lastBody().conversationState.history?.[1].assistantResponseMessage?.reasoningContent).toEqual({ redactedContent: redacted.data });
    });

    it('asks for display "omitted": thinking blocks carry the signature without the text', async () => {
      const message = await anthropic.messages.create({
        model: 'claude-opus-4-6',
        max_tokens: 1024,
        thinking: { type: 'adaptive', display: 'omitted' } as unknown as Anthropic.ThinkingConfigParam,
        messages: [{ role: 'user', content: 'Hi' }],
      });

      expect(lastBody().additionalModelRequestFields).toMatchObject({ thinking: { type: 'adaptive', display: 'omitted' } });
      expect(message.content[0]).toEqual({ type: 'thinking', thinking: '', signature: expect.any(String) });
    });

    it('switches native thinking off when the request has no thinking', async () => {
      const message = await anthropic.messages.create({ model: 'claude-opus-4-6', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] });

      expect(lastBody().additionalModelRequestFields).toEqual({ thinking: { type: 'disabled' } });
      expect(message.content.map((block) => block.type)).toEqual(['text']);
    });

    it('keeps tag-based fake reasoning for a model without native support, with no native fields', async () => {
      const message = await anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        thinking: { type: 'enabled', budget_tokens: 2_000 },
        messages: [{ role: 'user', content: 'Hi' }],
      });

      expect(lastBody()).not.toHaveProperty('additionalModelRequestFields');
      expect(lastBody().conversationState.currentMessage.userInputMessage.content).toContain('<thinking_mode>enabled</thinking_mode>');
      expect(message.content[0]).toMatchObject({ type: 'thinking', signature: '' });
    });
  });

  describe('OpenAI chat completions', () => {
    it('maps reasoning_effort onto the model, clamped to the efforts it advertises', async () => {
      const completion = await h.openai().chat.completions.create({
        model: 'claude-sonnet-4.6',
        reasoning_effort: 'xhigh' as 'high',
        messages: [{ role: 'user', content: 'Hi' }],
      });

      // Sonnet 4.6 advertises low, medium and high: xhigh (max) is served as high.
      expect(lastBody().additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'high' } });
      expect((completion.choices[0].message as { reasoning_content?: string }).reasoning_content).toBe(
        'Thinking natively at high effort: I answer what the user asked.',
      );
    });

    it('turns thinking on with a -thinking model name', async () => {
      const res = await request(h.url)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${PROXY_KEY}`)
        .send({ model: 'claude-opus-4-6-thinking', reasoning_effort: 'none', messages: [{ role: 'user', content: 'Hi' }] });

      expect(res.status).toBe(200);
      expect(lastBody().additionalModelRequestFields).toMatchObject({ output_config: { effort: 'high' } });
      expect(res.body.choices[0].message.reasoning_content).toBe('Thinking natively at high effort: I answer what the user asked.');
    });
  });

  describe('OpenAI Responses', () => {
    it('maps reasoning.effort and returns the signed thought sealed, which comes back as signed reasoning', async () => {
      const client = h.openai();
      const first = await client.responses.create({
        model: 'claude-opus-4-6',
        reasoning: { effort: 'low' },
        include: ['reasoning.encrypted_content'],
        store: false,
        input: 'Hi',
      });
      expect(lastBody().additionalModelRequestFields).toEqual({ thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'low' } });
      const reasoning = first.output.find((item) => item.type === 'reasoning')!;
      expect(reasoning).toMatchObject({ summary: [{ type: 'summary_text', text: 'Thinking natively at low effort: I answer what the user asked.' }], encrypted_content: expect.any(String) });

      await client.responses.create({
        model: 'claude-opus-4-6',
        reasoning: { effort: 'low' },
        store: false,
        input: [{ role: 'user', content: 'Hi' }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { role: 'user', content: 'Again' }],
      });

      expect(lastBody().conversationState.history?.[1].assistantResponseMessage?.reasoningContent).toEqual({
        reasoningText: { text: 'Thinking natively at low effort: I answer what the user asked.', signature: expect.any(String) },
      });
    });

    const SHELL: OpenAI.Responses.FunctionTool = {
      type: 'function',
      name: 'shell',
      description: 'Runs a shell command.',
      parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
      strict: false,
    };

    it('keeps thinking through a tool loop continued by previous_response_id: the stored turn keeps its signature', async () => {
      const client = h.openai();
      // Streamed, as Codex asks, and without encrypted_content: the signature lives only in the stored response.
      const stream = await client.responses.create({ model: 'claude-opus-4-6', reasoning: { effort: 'medium' }, tools: [SHELL], stream: true, input: '[sim:shell echo hi]' });
      let first: OpenAI.Responses.Response | undefined;
      for await (const event of stream) if (event.type === 'response.completed') first = event.response;
      const call = first!.output.find((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call')!;
      expect(first!.output[0]).not.toHaveProperty('encrypted_content');

      const second = await client.responses.create({
        model: 'claude-opus-4-6',
        reasoning: { effort: 'medium' },
        tools: [SHELL],
        previous_response_id: first!.id,
        input: [{ type: 'function_call_output', call_id: call.call_id, output: 'hi' }],
      });

      expect(lastBody().conversationState.history?.[1].assistantResponseMessage?.reasoningContent).toEqual({
        // The simulator refuses a signature that does not match the text, as Kiro does.
        reasoningText: { text: 'Thinking natively at medium effort: I answer what the user asked.', signature: expect.any(String) },
      });
      expect(second.output[0]).toMatchObject({ type: 'reasoning', summary: [{ text: 'Thinking natively at medium effort: the tool has answered, so I report what it returned.' }] });
    });

    it('hands redacted reasoning back as redactedContent after previous_response_id', async () => {
      const client = h.openai();
      const first = await client.responses.create({ model: 'claude-opus-4-6', reasoning: { effort: 'medium' }, input: '[sim:redacted] Hi' });

      await client.responses.create({ model: 'claude-opus-4-6', reasoning: { effort: 'medium' }, previous_response_id: first.id, input: 'Again' });

      expect(lastBody().conversationState.history?.[1].assistantResponseMessage?.reasoningContent).toEqual({ redactedContent: expect.any(String) });
    });

    it('keeps the signature of every earlier turn along a previous_response_id chain', async () => {
      const client = h.openai();
      const first = await client.responses.create({ model: 'claude-opus-4-6', reasoning: { effort: 'low' }, input: 'Hi' });
      const second = await client.responses.create({ model: 'claude-opus-4-6', reasoning: { effort: 'low' }, previous_response_id: first.id, input: 'Again' });

      await client.responses.create({ model: 'claude-opus-4-6', reasoning: { effort: 'low' }, previous_response_id: second.id, input: 'Once more' });

      const history = lastBody().conversationState.history ?? [];
      expect(history.filter((entry) => entry.assistantResponseMessage).map((entry) => entry.assistantResponseMessage?.reasoningContent)).toEqual([
        { reasoningText: { text: 'Thinking natively at low effort: I answer what the user asked.', signature: expect.any(String) } },
        { reasoningText: { text: 'Thinking natively at low effort: I answer what the user asked.', signature: expect.any(String) } },
      ]);
    });
  });
});
