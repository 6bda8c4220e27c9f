import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FIELDS_NOT_SUPPORTED,
  IMPROPERLY_FORMED,
  INVALID_MODEL,
  REQUEST_BODY_INVALID,
  THINKING_SIGNATURE_INVALID,
  validateKiroRequest,
  type KiroErrorBody,
} from './kiro-request-validator';
import { signReasoning } from './native-reasoning';

/** Fixture bodies are plain JSON that each case mutates freely, so they are typed loosely here. */
type Body = any;

const REQUESTS = join(__dirname, '..', 'fixtures', 'kiro-requests');
const load = (name: string): Body => JSON.parse(readFileSync(join(REQUESTS, `${name}.json`), 'utf8'));

/** ide-tool-results: history with toolUses and toolResults, tools and a toolResult on the current message. */
const toolResultsFixture = load('ide-tool-results');
const CURRENT = 'conversationState.currentMessage.userInputMessage';
const FS_WRITE_ID = 'tooluse_hp_3M9xpRCiPkaT8QW777w';
const PNG = { format: 'png', source: { bytes: 'iVBORw0KGgo=' } };

function mutated(change: (body: Body) => void): Body {
  const body = structuredClone(toolResultsFixture);
  change(body);
  return body;
}
const current = (body: Body): Body => body.conversationState.currentMessage.userInputMessage;
const history = (body: Body): Body[] => body.conversationState.history;
const tools = (body: Body): Body[] => current(body).userInputMessageContext.tools;
const spec = (body: Body, name: string): Body => tools(body).find((t: Body) => t.toolSpecification.name === name).toolSpecification;

function minimalBody(content: string): Body {
  return {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: 'conv-1',
      currentMessage: { userInputMessage: { content, modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
      history: [],
    },
  };
}

interface RejectCase {
  rule: string;
  body: Body;
  detail: string;
  error?: KiroErrorBody;
}

const rejectCases: RejectCase[] = [
  { rule: 'a body that is not an object', body: [], detail: 'body must be a JSON object' },
  {
    rule: 'an unknown top-level field (inferenceConfig)',
    body: mutated((b) => (b.inferenceConfig = { maxTokens: 100 })),
    detail: 'unknown top-level field "inferenceConfig"',
  },
  { rule: 'a non-string profileArn', body: mutated((b) => (b.profileArn = 42)), detail: 'profileArn must be a string' },
  {
    rule: 'non-object additionalModelRequestFields',
    body: mutated((b) => (b.additionalModelRequestFields = 'high')),
    detail: 'additionalModelRequestFields must be a JSON object',
  },
  {
    rule: 'a missing conversationState',
    body: { profileArn: 'arn:aws:codewhisperer:us-east-1:1:profile/X' },
    detail: 'conversationState must be a JSON object',
  },
  {
    rule: 'chatTriggerType AUTO',
    body: mutated((b) => (b.conversationState.chatTriggerType = 'AUTO')),
    detail: 'conversationState.chatTriggerType must be one of MANUAL, DIAGNOSTIC, INLINE_CHAT',
  },
  {
    rule: 'an empty conversationId',
    body: mutated((b) => (b.conversationState.conversationId = '')),
    detail: 'conversationState.conversationId must be a non-empty string',
  },
  {
    rule: 'a missing currentMessage.userInputMessage',
    body: mutated((b) => (b.conversationState.currentMessage = {})),
    detail: `${CURRENT} must be a JSON object`,
  },
  { rule: 'an empty modelId', body: mutated((b) => (current(b).modelId = '')), detail: `${CURRENT}.modelId must be a non-empty string` },
  { rule: 'a missing origin', body: mutated((b) => delete current(b).origin), detail: `${CURRENT}.origin must be a string` },
  { rule: 'non-string content', body: mutated((b) => (current(b).content = ['hi'])), detail: `${CURRENT}.content must be a string` },
  {
    rule: 'a null history',
    body: mutated((b) => (b.conversationState.history = null)),
    detail: 'conversationState.history must be an array',
  },
  {
    rule: 'a history entry with both roles',
    body: mutated((b) => (history(b)[0].assistantResponseMessage = { content: 'OK' })),
    detail: 'conversationState.history[0] must have exactly one of userInputMessage / assistantResponseMessage',
  },
  {
    rule: 'a history entry with neither role',
    body: mutated((b) => (history(b)[1] = {})),
    detail: 'conversationState.history[1] must have exactly one of userInputMessage / assistantResponseMessage',
  },
  {
    rule: 'history starting with an assistant turn',
    body: mutated((b) => history(b).shift()),
    detail:
      'conversationState.history[0] is an assistant turn where a user turn is required (history starts with a user turn and alternates)',
  },
  {
    rule: 'two user turns in a row',
    body: mutated((b) => (history(b)[3] = { userInputMessage: { content: 'again', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } })),
    detail:
      'conversationState.history[3] is a user turn where an assistant turn is required (history starts with a user turn and alternates)',
  },
  {
    rule: 'history ending with a user turn',
    body: mutated((b) => history(b).pop()),
    detail: 'conversationState.history must end with an assistant turn (the current message is the next user turn)',
  },
  {
    rule: 'an empty current message without toolResults',
    body: (() => {
      const body = load('ide-agent-turn');
      current(body).content = '';
      return body;
    })(),
    detail: `${CURRENT}.content is empty and the turn carries no toolResults`,
  },
  {
    rule: 'a whitespace-only history user turn without toolResults',
    body: mutated((b) => (history(b)[4].userInputMessage.content = ' \n\t')),
    detail: 'conversationState.history[4].userInputMessage.content is empty and the turn carries no toolResults',
  },
  {
    rule: 'an empty assistant turn without toolUses',
    body: mutated((b) => (history(b)[3].assistantResponseMessage.content = '')),
    detail: 'conversationState.history[3].assistantResponseMessage.content is empty and the turn carries no toolUses',
  },
  {
    rule: 'images inside userInputMessageContext',
    body: mutated((b) => (current(b).userInputMessageContext.images = [PNG])),
    detail: `${CURRENT}.userInputMessageContext.images is not allowed: images go on userInputMessage`,
  },
  {
    rule: 'an image format outside png/jpeg/gif/webp',
    body: mutated((b) => (current(b).images = [{ ...PNG, format: 'bmp' }])),
    detail: `${CURRENT}.images[0].format must be one of png, jpeg, gif, webp`,
  },
  {
    rule: 'image bytes with a data: URL prefix',
    body: mutated((b) => (current(b).images = [{ format: 'png', source: { bytes: 'data:image/png;base64,iVBORw0KGgo=' } }])),
    detail: `${CURRENT}.images[0].source.bytes must be raw base64, without a data: URL prefix`,
  },
  {
    rule: 'image bytes that are not base64',
    body: mutated((b) => (current(b).images = [{ format: 'png', source: { bytes: 'not base64!' } }])),
    detail: `${CURRENT}.images[0].source.bytes is not valid base64`,
  },
  {
    rule: 'empty image bytes',
    body: mutated((b) => (current(b).images = [{ format: 'png', source: { bytes: '' } }])),
    detail: `${CURRENT}.images[0].source.bytes must be a non-empty string`,
  },
  {
    rule: 'toolUse input sent as a JSON string',
    body: mutated((b) => (history(b)[5].assistantResponseMessage.toolUses[0].input = '{"path":"Output/output.txt"}')),
    detail: 'conversationState.history[5].assistantResponseMessage.toolUses[0].input must be a JSON object',
  },
  {
    rule: 'toolUse input null',
    body: mutated((b) => (history(b)[1].assistantResponseMessage.toolUses[0].input = null)),
    detail: 'conversationState.history[1].assistantResponseMessage.toolUses[0].input must be a JSON object',
  },
  {
    rule: 'a toolUse without toolUseId',
    body: mutated((b) => delete history(b)[1].assistantResponseMessage.toolUses[0].toolUseId),
    detail: 'conversationState.history[1].assistantResponseMessage.toolUses[0].toolUseId must be a non-empty string',
  },
  {
    rule: 'a toolUse with an empty name',
    body: mutated((b) => (history(b)[1].assistantResponseMessage.toolUses[0].name = '')),
    detail: 'conversationState.history[1].assistantResponseMessage.toolUses[0].name must be a non-empty string',
  },
  {
    rule: 'a toolUseId used twice in the conversation',
    body: mutated((b) => (history(b)[1].assistantResponseMessage.toolUses[0].toolUseId = FS_WRITE_ID)),
    detail: `conversationState.history[5].assistantResponseMessage.toolUses repeats toolUseId "${FS_WRITE_ID}"`,
  },
  {
    rule: 'a toolResult status other than success/error',
    body: mutated((b) => (current(b).userInputMessageContext.toolResults[0].status = 'ok')),
    detail: `${CURRENT}.userInputMessageContext.toolResults[0].status must be success or error`,
  },
  {
    rule: 'a toolResult with empty content',
    body: mutated((b) => (current(b).userInputMessageContext.toolResults[0].content = [])),
    detail: `${CURRENT}.userInputMessageContext.toolResults[0].content must be a non-empty array`,
  },
  {
    rule: 'toolResult content given as a string',
    body: mutated((b) => (current(b).userInputMessageContext.toolResults[0].content = 'Created the file.')),
    detail: `${CURRENT}.userInputMessageContext.toolResults[0].content must be an array`,
  },
  {
    rule: 'a toolResult content block that is neither text nor json',
    body: mutated((b) => (current(b).userInputMessageContext.toolResults[0].content = [{ text: 42 }])),
    detail: `${CURRENT}.userInputMessageContext.toolResults[0].content[0] must be {text: string} or {json: object}`,
  },
  {
    rule: 'an orphan toolResult',
    body: mutated((b) =>
      current(b).userInputMessageContext.toolResults.push({
        toolUseId: 'tooluse_unknown',
        status: 'success',
        content: [{ text: 'done' }],
      }),
    ),
    detail: `${CURRENT} has a toolResult for "tooluse_unknown" that answers no toolUse of the preceding assistant turn`,
  },
  {
    rule: 'a toolUse answered twice',
    body: mutated((b) => {
      const results = current(b).userInputMessageContext.toolResults;
      results.push(structuredClone(results[0]));
    }),
    detail: `${CURRENT} answers toolUseId "${FS_WRITE_ID}" more than once`,
  },
  {
    rule: 'a toolUse whose result is missing from the next user turn',
    body: mutated((b) => {
      current(b).content = 'Continue';
      delete current(b).userInputMessageContext.toolResults;
    }),
    detail: `conversationState.history[5].assistantResponseMessage has toolUses without a toolResult in the next user turn: ${FS_WRITE_ID}`,
    error: {
      message:
        `messages.5: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${FS_WRITE_ID}. ` +
        'Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
      reason: 'TOOL_USE_RESULT_MISMATCH',
    },
  },
  {
    rule: 'tools declared on a history turn',
    body: mutated((b) => (history(b)[2].userInputMessage.userInputMessageContext.tools = structuredClone(tools(b)))),
    detail: 'conversationState.history[2].userInputMessage.userInputMessageContext.tools is only allowed on the current message',
  },
  {
    rule: 'a tool name with a space',
    body: mutated((b) => (tools(b)[0].toolSpecification.name = 'execute bash')),
    detail: `${CURRENT}.userInputMessageContext.tools[0].toolSpecification.name "execute bash" must match ^[A-Za-z0-9_-]{1,64}$`,
  },
  {
    rule: 'a tool name over 64 characters',
    body: mutated((b) => (tools(b)[0].toolSpecification.name = 'x'.repeat(65))),
    detail: `${CURRENT}.userInputMessageContext.tools[0].toolSpecification.name "${'x'.repeat(65)}" must match ^[A-Za-z0-9_-]{1,64}$`,
  },
  {
    rule: 'an empty tool description',
    body: mutated((b) => (tools(b)[1].toolSpecification.description = '')),
    detail: `${CURRENT}.userInputMessageContext.tools[1].toolSpecification.description must be a non-empty string`,
  },
  {
    rule: 'a tool description over 10000 characters',
    body: mutated((b) => (tools(b)[1].toolSpecification.description = 'd'.repeat(10_001))),
    detail: `${CURRENT}.userInputMessageContext.tools[1].toolSpecification.description is 10001 chars, over the 10000-char limit`,
  },
  {
    rule: 'a tool without inputSchema.json',
    body: mutated((b) => (tools(b)[2].toolSpecification.inputSchema = {})),
    detail: `${CURRENT}.userInputMessageContext.tools[2].toolSpecification.inputSchema.json must be a JSON object`,
  },
  {
    rule: 'a schema type that is not a string',
    body: mutated((b) => (tools(b)[2].toolSpecification.inputSchema.json.type = ['object'])),
    detail: `${CURRENT}.userInputMessageContext.tools[2].toolSpecification.inputSchema.json.type must be a string`,
  },
  {
    rule: 'a null schema required',
    body: mutated((b) => (tools(b)[2].toolSpecification.inputSchema.json.required = null)),
    detail: `${CURRENT}.userInputMessageContext.tools[2].toolSpecification.inputSchema.json.required must be an array of strings (null is refused)`,
  },
  {
    rule: 'null schema properties',
    body: mutated((b) => (tools(b)[2].toolSpecification.inputSchema.json.properties = null)),
    detail: `${CURRENT}.userInputMessageContext.tools[2].toolSpecification.inputSchema.json.properties must be an object (null is refused)`,
  },
  {
    rule: 'tool names that differ only by case',
    body: mutated((b) => (tools(b)[3].toolSpecification.name = 'EXECUTEBASH')),
    detail: `${CURRENT}.userInputMessageContext.tools[3].toolSpecification.name "EXECUTEBASH" duplicates another tool (names compare case-insensitively)`,
  },
  {
    rule: 'tool traffic without tools on the current message',
    body: mutated((b) => delete current(b).userInputMessageContext.tools),
    detail: 'the conversation has toolUses/toolResults but the current message declares no tools',
  },
  {
    rule: 'a history toolUse naming an undeclared tool',
    body: mutated((b) => {
      current(b).userInputMessageContext.tools = tools(b).filter((t: Body) => t.toolSpecification.name !== 'fsWrite');
    }),
    detail: `conversationState.history[5].assistantResponseMessage uses tool "fsWrite", which the current message's tools do not declare`,
  },
  {
    rule: 'a modelId outside the catalog',
    body: mutated((b) => (current(b).modelId = 'gpt-4o')),
    detail: `${CURRENT}.modelId "gpt-4o" is not in the model catalog`,
    error: INVALID_MODEL,
  },
  {
    rule: 'a hyphenated model id the runtime host refuses',
    body: mutated((b) => (current(b).modelId = 'claude-sonnet-4-5')),
    detail: `${CURRENT}.modelId "claude-sonnet-4-5" is not in the model catalog`,
    error: INVALID_MODEL,
  },
];

describe(validateKiroRequest.name, () => {
  describe('real Kiro IDE requests', () => {
    it.each(['ide-agent-turn', 'ide-tool-results', 'ide-intent-classifier'])('accepts %s', (name) => {
      expect(validateKiroRequest(load(name))).toBeNull();
    });
  });

  describe('other valid shapes', () => {
    it('accepts a single-turn body with an empty history array', () => {
      expect(validateKiroRequest(minimalBody('Hello'))).toBeNull();
    });

    it('accepts a body without history', () => {
      const body = minimalBody('Hello');
      delete body.conversationState.history;

      expect(validateKiroRequest(body)).toBeNull();
    });

    it('accepts a png image directly on userInputMessage', () => {
      expect(validateKiroRequest(mutated((b) => (current(b).images = [PNG])))).toBeNull();
    });

    it('accepts profileArn and additionalModelRequestFields at the top level', () => {
      const body = minimalBody('Hello');
      current(body).modelId = 'claude-opus-4.6';
      body.profileArn = 'arn:aws:codewhisperer:us-east-1:699475941385:profile/EHGA3GRVQMUK';
      body.additionalModelRequestFields = { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: 'max' } };

      expect(validateKiroRequest(body)).toBeNull();
    });

    it('matches declared tool names case-insensitively', () => {
      expect(validateKiroRequest(mutated((b) => (spec(b, 'fsWrite').name = 'FSWRITE')))).toBeNull();
    });

    it('accepts a json block in a tool result', () => {
      const body = mutated((b) => (current(b).userInputMessageContext.toolResults[0].content = [{ json: { ok: true } }]));

      expect(validateKiroRequest(body)).toBeNull();
    });

    it('accepts every catalog model id', () => {
      expect(validateKiroRequest(mutated((b) => (current(b).modelId = 'claude-sonnet-4.6')))).toBeNull();
    });
  });

  describe('body size', () => {
    it('refuses a body whose reported size is over the limit', () => {
      expect(validateKiroRequest(minimalBody('Hello'), { bodyBytes: 615_001 })).toEqual({
        status: 400,
        body: IMPROPERLY_FORMED,
        detail: 'body is 615001 bytes, over the 615000-byte limit',
      });
    });

    it('measures the UTF-8 JSON itself when no size is given', () => {
      // The minimal body serialises to 198 bytes with "Hello"; each é adds 2 bytes of UTF-8.
      const body = minimalBody('é'.repeat(400));

      expect(validateKiroRequest(body, { maxPayloadBytes: 900 })).toEqual({
        status: 400,
        body: IMPROPERLY_FORMED,
        detail: 'body is 993 bytes, over the 900-byte limit',
      });
    });

    it('accepts a body exactly at the limit', () => {
      expect(validateKiroRequest(minimalBody('Hello'), { maxPayloadBytes: 198 })).toBeNull();
    });
  });

  describe('rejections', () => {
    it.each(rejectCases)('refuses $rule', ({ body, detail, error }) => {
      expect(validateKiroRequest(body)).toEqual({ status: 400, body: error ?? IMPROPERLY_FORMED, detail });
    });
  });
});

describe('native reasoning (kiro-protocol.md §9.5)', () => {
  function reasoningBody(modelId: string, fields?: Body, reasoningContent?: Body): Body {
    const body = minimalBody('Go on');
    current(body).modelId = modelId;
    if (fields !== undefined) body.additionalModelRequestFields = fields;
    body.conversationState.history = [
      { userInputMessage: { content: 'Hi', modelId, origin: 'AI_EDITOR' } },
      { assistantResponseMessage: { content: 'Hello', ...(reasoningContent !== undefined ? { reasoningContent } : {}) } },
    ];
    return body;
  }

  it('refuses additionalModelRequestFields for a model whose catalog entry has no schema', () => {
    expect(validateKiroRequest(reasoningBody('claude-sonnet-4.5', { output_config: { effort: 'high' } }))?.body).toEqual(FIELDS_NOT_SUPPORTED);
  });

  it('refuses a member the schema does not list', () => {
    const violation = validateKiroRequest(reasoningBody('claude-opus-4.6', { thinking: { type: 'adaptive', budget_tokens: 4000 } }));

    expect(violation?.body).toEqual(REQUEST_BODY_INVALID);
    expect(violation?.detail).toBe("additionalModelRequestFields.thinking.budget_tokens is not allowed by the model's additionalModelRequestFieldsSchema");
  });

  it('refuses thinking.type "enabled", which Kiro does not take', () => {
    expect(validateKiroRequest(reasoningBody('claude-opus-4.6', { thinking: { type: 'enabled' } }))?.detail).toBe(
      'additionalModelRequestFields.thinking.type must be one of "adaptive", "disabled"',
    );
  });

  it('refuses an effort the model does not advertise', () => {
    expect(validateKiroRequest(reasoningBody('claude-sonnet-4.6', { output_config: { effort: 'max' } }))?.detail).toBe(
      'additionalModelRequestFields.output_config.effort must be one of "low", "medium", "high"',
    );
  });

  it('accepts signed reasoning handed back in history', () => {
    const text = 'I should greet back.';

    expect(validateKiroRequest(reasoningBody('claude-opus-4.6', undefined, { reasoningText: { text, signature: signReasoning(text) } }))).toBeNull();
  });

  it('accepts redacted reasoning handed back in history', () => {
    expect(validateKiroRequest(reasoningBody('claude-opus-4.6', undefined, { redactedContent: 'b3BhcXVl' }))).toBeNull();
  });

  it('refuses reasoning as a flat string', () => {
    expect(validateKiroRequest(reasoningBody('claude-opus-4.6', undefined, 'I thought'))?.detail).toBe(
      'conversationState.history[1].assistantResponseMessage.reasoningContent must be a JSON object',
    );
  });

  it('refuses unsigned reasoning', () => {
    expect(validateKiroRequest(reasoningBody('claude-opus-4.6', undefined, { reasoningText: { text: 'I thought' } }))?.detail).toBe(
      'conversationState.history[1].assistantResponseMessage.reasoningContent.reasoningText.signature must be a non-empty string',
    );
  });

  it('accepts a signed thought handed back without its text (display "omitted")', () => {
    expect(validateKiroRequest(reasoningBody('claude-opus-4.6', undefined, { reasoningText: { text: '', signature: signReasoning('hidden') } }))).toBeNull();
  });

  it('refuses a signature this model did not issue', () => {
    expect(validateKiroRequest(reasoningBody('claude-opus-4.6', undefined, { reasoningText: { text: 'x', signature: 'forged.signature' } }))?.body).toEqual(THINKING_SIGNATURE_INVALID);
  });

  it('refuses a signature that does not sign the text', () => {
    const violation = validateKiroRequest(reasoningBody('claude-opus-4.6', undefined, { reasoningText: { text: 'edited', signature: signReasoning('original') } }));

    expect(violation?.body).toEqual(THINKING_SIGNATURE_INVALID);
  });
});
