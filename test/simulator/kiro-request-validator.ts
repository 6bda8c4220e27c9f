import { SIM_CACHE_CHECKPOINTS, SIM_MODEL_IDS, SIM_REASONING_SCHEMAS } from './model-catalog';
import { isValidSignature, schemaViolation } from './native-reasoning';

/**
 * Rejects request bodies the way the real generateAssistantResponse does (protocol §2.3, §2.5, §8).
 * The real service only ever says "Improperly formed request."; `detail` says which rule fired,
 * so tests (and the x-sim-violation header) can tell one failure from another.
 */

export interface KiroErrorBody {
  message: string;
  reason: string | null;
}

export interface Violation {
  status: 400;
  body: KiroErrorBody;
  /** Human explanation for tests; never sent by the real service. */
  detail: string;
}

export interface ValidateKiroRequestOptions {
  /** Whole-body limit in UTF-8 bytes (§2.5 #9: ~615 KB gives a bare "Improperly formed request"). */
  maxPayloadBytes?: number;
  /** Size of the raw body when the caller already has it, to avoid re-serialising large bodies. */
  bodyBytes?: number;
  /** Accepted modelIds; defaults to the simulator catalog. */
  knownModelIds?: ReadonlySet<string>;
  /** additionalModelRequestFieldsSchema by modelId; defaults to the simulator catalog's. */
  reasoningSchemas?: ReadonlyMap<string, Record<string, unknown>>;
  /** Per model: how many prompt-cache checkpoints a request may carry (its catalog's promptCaching, §9.6). */
  cacheCheckpointLimits?: ReadonlyMap<string, number>;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 615_000;
export const MAX_TOOL_DESCRIPTION_CHARS = 10_000;

export const IMPROPERLY_FORMED: KiroErrorBody = Object.freeze({
  message: 'Improperly formed request.',
  reason: null,
});
/** Native-reasoning refusals (kiro-protocol.md §9.5). */
export const FIELDS_NOT_SUPPORTED: KiroErrorBody = Object.freeze({
  message: 'additionalModelRequestFields is not supported for this model',
  reason: null,
});
export const REQUEST_BODY_INVALID: KiroErrorBody = Object.freeze({ message: 'Improperly formed request.', reason: 'REQUEST_BODY_INVALID' });
export const THINKING_SIGNATURE_INVALID: KiroErrorBody = Object.freeze({
  message: 'Invalid signature in thinking block.',
  reason: 'THINKING_SIGNATURE_INVALID',
});
export const INVALID_MODEL: KiroErrorBody = Object.freeze({
  message: 'Invalid model. Please select a different model to continue.',
  reason: 'INVALID_MODEL_ID',
});

const TOP_LEVEL_KEYS = new Set(['conversationState', 'profileArn', 'additionalModelRequestFields']);
const CHAT_TRIGGER_TYPES = new Set(['MANUAL', 'DIAGNOSTIC', 'INLINE_CHAT']);
const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);
const TOOL_RESULT_STATUSES = new Set(['success', 'error']);
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** G1 accepted enum-style ids (§2.5 #10); the IDE fixtures use CLAUDE_SONNET_4_20250514_V1_0. */
const LEGACY_MODEL_ID = /^CLAUDE_[A-Z0-9_]+_V1_0$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

type JsonObject = Record<string, unknown>;

/** A user or assistant turn after its shape has been checked, kept for the cross-turn rules. */
interface Turn {
  role: 'user' | 'assistant';
  path: string;
  toolUses: { id: string; name: string }[];
  toolResultIds: string[];
}

class Rejection extends Error {
  constructor(readonly violation: Violation) {
    super(violation.detail);
  }
}

function reject(detail: string, body: KiroErrorBody = IMPROPERLY_FORMED): never {
  throw new Rejection({ status: 400, body, detail });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) reject(`${path} must be a JSON object`);
  return value;
}

function expectNonEmptyString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) reject(`${path} must be a non-empty string`);
  return value;
}

function expectOptionalString(value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'string') reject(`${path} must be a string`);
}

/** `undefined` means absent; `null` or any non-array is malformed. */
function optionalArray(value: unknown, path: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) reject(`${path} must be an array`);
  return value;
}

const article = (role: 'user' | 'assistant'): string => (role === 'user' ? 'a user' : 'an assistant');

const hasVisibleText = (content: string): boolean => /\S/.test(content);

export function validateKiroRequest(
  body: unknown,
  opts: ValidateKiroRequestOptions = {},
): Violation | null {
  try {
    checkRequest(body, opts);
    return null;
  } catch (err) {
    if (err instanceof Rejection) return err.violation;
    throw err;
  }
}

function checkRequest(body: unknown, opts: ValidateKiroRequestOptions): void {
  const root = expectObject(body, 'body');

  const maxBytes = opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const bytes = opts.bodyBytes ?? Buffer.byteLength(JSON.stringify(root), 'utf8');
  if (bytes > maxBytes) reject(`body is ${bytes} bytes, over the ${maxBytes}-byte limit`);

  // The runtime host refuses fields it does not model, e.g. inferenceConfig (§2.3, MITM).
  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL_KEYS.has(key)) reject(`unknown top-level field "${key}"`);
  }
  expectOptionalString(root.profileArn, 'profileArn');
  if (root.additionalModelRequestFields !== undefined) {
    expectObject(root.additionalModelRequestFields, 'additionalModelRequestFields');
  }

  const state = expectObject(root.conversationState, 'conversationState');
  if (typeof state.chatTriggerType !== 'string' || !CHAT_TRIGGER_TYPES.has(state.chatTriggerType)) {
    reject('conversationState.chatTriggerType must be one of MANUAL, DIAGNOSTIC, INLINE_CHAT');
  }
  expectNonEmptyString(state.conversationId, 'conversationState.conversationId');
  expectOptionalString(state.agentContinuationId, 'conversationState.agentContinuationId');
  expectOptionalString(state.agentTaskType, 'conversationState.agentTaskType');

  const turns = checkHistory(state.history);

  const currentPath = 'conversationState.currentMessage.userInputMessage';
  const currentMessage = expectObject(state.currentMessage, 'conversationState.currentMessage');
  const current = expectObject(currentMessage.userInputMessage, currentPath);
  const modelId = expectNonEmptyString(current.modelId, `${currentPath}.modelId`);
  if (typeof current.origin !== 'string') reject(`${currentPath}.origin must be a string`);
  const { turn: currentTurn, declaredTools } = checkUserTurn(current, currentPath, true);
  turns.push(currentTurn);

  checkToolUseIdsUnique(turns);
  checkToolPairing(turns);
  checkToolsDeclared(turns, declaredTools);

  const known = opts.knownModelIds ?? SIM_MODEL_IDS;
  if (!known.has(modelId) && !LEGACY_MODEL_ID.test(modelId)) {
    reject(`${currentPath}.modelId "${modelId}" is not in the model catalog`, INVALID_MODEL);
  }
  if (root.additionalModelRequestFields !== undefined) {
    checkAdditionalFields(root.additionalModelRequestFields, (opts.reasoningSchemas ?? SIM_REASONING_SCHEMAS).get(modelId));
  }
  checkCachePoints(state, modelId, (opts.cacheCheckpointLimits ?? SIM_CACHE_CHECKPOINTS).get(modelId));
}

/**
 * Prompt-cache checkpoints (§9.6): `cachePoint: {type: "default"}` on a message or as an entry of
 * the tools, only on a model whose catalog offers prompt caching and within its limit. The
 * refusal of checkpoints for other models is the simulator's strictness: no capture shows it.
 */
function checkCachePoints(state: JsonObject, modelId: string, limit: number | undefined): void {
  const found: string[] = [];
  const check = (value: unknown, path: string) => {
    if (value === undefined) return;
    const point = expectObject(value, path);
    if (Object.keys(point).length !== 1 || point.type !== 'default') reject(`${path} must be {"type": "default"}`);
    found.push(path);
  };
  const history = Array.isArray(state.history) ? (state.history as JsonObject[]) : [];
  history.forEach((entry, i) => {
    const message = (entry.userInputMessage ?? entry.assistantResponseMessage) as JsonObject;
    check(message.cachePoint, `conversationState.history[${i}].${entry.userInputMessage ? 'userInputMessage' : 'assistantResponseMessage'}.cachePoint`);
  });
  const current = (state.currentMessage as JsonObject).userInputMessage as JsonObject;
  check(current.cachePoint, 'conversationState.currentMessage.userInputMessage.cachePoint');
  const tools = ((current.userInputMessageContext as JsonObject | undefined)?.tools ?? []) as JsonObject[];
  tools.forEach((tool, i) => check(tool.cachePoint, `conversationState.currentMessage.userInputMessage.userInputMessageContext.tools[${i}].cachePoint`));
  if (found.length === 0) return;
  if (limit === undefined) reject(`${found[0]}: model "${modelId}" does not support prompt caching`);
  if (found.length > limit) reject(`${found.length} cache checkpoints, over the ${limit} model "${modelId}" takes`);
}

/** Only what the model's catalog entry allows, checked strictly (§9.5: unknown members → 400). */
function checkAdditionalFields(fields: unknown, schema: Record<string, unknown> | undefined): void {
  if (!schema) reject('additionalModelRequestFields sent for a model without additionalModelRequestFieldsSchema', FIELDS_NOT_SUPPORTED);
  const violation = schemaViolation(fields, schema, 'additionalModelRequestFields');
  if (violation) reject(violation, REQUEST_BODY_INVALID);
}

/**
 * Reasoning handed back on an assistant turn (§9.5): `reasoningText{text, signature}` signed by
 * this model, or `redactedContent`; a flat string or an unsigned text is refused.
 */
function checkReasoningContent(value: unknown, path: string): void {
  const content = expectObject(value, path);
  const keys = Object.keys(content);
  if (keys.length !== 1 || (keys[0] !== 'reasoningText' && keys[0] !== 'redactedContent')) {
    reject(`${path} must have exactly one of reasoningText / redactedContent`);
  }
  if (keys[0] === 'redactedContent') {
    expectNonEmptyString(content.redactedContent, `${path}.redactedContent`);
    return;
  }
  const text = expectObject(content.reasoningText, `${path}.reasoningText`);
  // Empty when the client was shown no text (display "omitted"): the signature carries the thought.
  if (typeof text.text !== 'string') reject(`${path}.reasoningText.text must be a string`);
  const thought = text.text;
  const signature = expectNonEmptyString(text.signature, `${path}.reasoningText.signature`);
  if (!isValidSignature(thought, signature)) reject(`${path}.reasoningText.signature does not sign its text`, THINKING_SIGNATURE_INVALID);
}

/** History starts with a user turn, strictly alternates, and ends with an assistant turn (§2.5 #1). */
function checkHistory(history: unknown): Turn[] {
  const entries = optionalArray(history, 'conversationState.history');
  const turns: Turn[] = [];
  entries.forEach((entry, index) => {
    const path = `conversationState.history[${index}]`;
    const item = expectObject(entry, path);
    const hasUser = item.userInputMessage !== undefined;
    const hasAssistant = item.assistantResponseMessage !== undefined;
    if (hasUser === hasAssistant) {
      reject(`${path} must have exactly one of userInputMessage / assistantResponseMessage`);
    }
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    const actual = hasUser ? 'user' : 'assistant';
    if (actual !== expected) {
      reject(`${path} is ${article(actual)} turn where ${article(expected)} turn is required (history starts with a user turn and alternates)`);
    }
    if (hasUser) {
      const userPath = `${path}.userInputMessage`;
      const message = expectObject(item.userInputMessage, userPath);
      expectOptionalString(message.modelId, `${userPath}.modelId`);
      expectOptionalString(message.origin, `${userPath}.origin`);
      turns.push(checkUserTurn(message, userPath, false).turn);
    } else {
      const assistantPath = `${path}.assistantResponseMessage`;
      turns.push(checkAssistantTurn(expectObject(item.assistantResponseMessage, assistantPath), assistantPath));
    }
  });
  if (turns.length % 2 !== 0) {
    reject('conversationState.history must end with an assistant turn (the current message is the next user turn)');
  }
  return turns;
}

function checkUserTurn(
  message: JsonObject,
  path: string,
  isCurrent: boolean,
): { turn: Turn; declaredTools: string[] } {
  if (typeof message.content !== 'string') reject(`${path}.content must be a string`);
  checkImages(message.images, `${path}.images`);

  let toolResultIds: string[] = [];
  let declaredTools: string[] = [];
  if (message.userInputMessageContext !== undefined) {
    const contextPath = `${path}.userInputMessageContext`;
    const context = expectObject(message.userInputMessageContext, contextPath);
    // JW-old put images here; the real IDE never does and the service refuses it (§2.3).
    if (context.images !== undefined) reject(`${contextPath}.images is not allowed: images go on userInputMessage`);
    if (context.tools !== undefined) {
      // None of the IDE fixtures carries tools on a history turn: only the current message declares them.
      if (!isCurrent) reject(`${contextPath}.tools is only allowed on the current message`);
      declaredTools = checkToolSpecs(context.tools, `${contextPath}.tools`);
    }
    toolResultIds = checkToolResults(context.toolResults, `${contextPath}.toolResults`);
  }

  // The IDE sends content "" next to tool results, and only there (§2.5 #3, §8).
  if (toolResultIds.length === 0 && !hasVisibleText(message.content)) {
    reject(`${path}.content is empty and the turn carries no toolResults`);
  }
  return { turn: { role: 'user', path, toolUses: [], toolResultIds }, declaredTools };
}

function checkAssistantTurn(message: JsonObject, path: string): Turn {
  if (typeof message.content !== 'string') reject(`${path}.content must be a string`);
  if (message.reasoningContent !== undefined) checkReasoningContent(message.reasoningContent, `${path}.reasoningContent`);
  const toolUses = optionalArray(message.toolUses, `${path}.toolUses`).map((raw, index) => {
    const usePath = `${path}.toolUses[${index}]`;
    const use = expectObject(raw, usePath);
    const id = expectNonEmptyString(use.toolUseId, `${usePath}.toolUseId`);
    const name = expectNonEmptyString(use.name, `${usePath}.name`);
    // §2.3: input is a JSON object, never the string the stream delivered it as.
    if (!isObject(use.input)) reject(`${usePath}.input must be a JSON object`);
    return { id, name };
  });
  // The IDE sends content "" on tool-only assistant turns (§6 fixtures), and only there.
  if (toolUses.length === 0 && !hasVisibleText(message.content)) {
    reject(`${path}.content is empty and the turn carries no toolUses`);
  }
  return { role: 'assistant', path, toolUses, toolResultIds: [] };
}

function checkImages(value: unknown, path: string): void {
  optionalArray(value, path).forEach((raw, index) => {
    const imagePath = `${path}[${index}]`;
    const image = expectObject(raw, imagePath);
    if (typeof image.format !== 'string' || !IMAGE_FORMATS.has(image.format)) {
      reject(`${imagePath}.format must be one of png, jpeg, gif, webp`);
    }
    const source = expectObject(image.source, `${imagePath}.source`);
    const bytes = expectNonEmptyString(source.bytes, `${imagePath}.source.bytes`);
    if (bytes.startsWith('data:')) reject(`${imagePath}.source.bytes must be raw base64, without a data: URL prefix`);
    if (bytes.length % 4 !== 0 || !BASE64.test(bytes)) reject(`${imagePath}.source.bytes is not valid base64`);
  });
}

function checkToolResults(value: unknown, path: string): string[] {
  return optionalArray(value, path).map((raw, index) => {
    const resultPath = `${path}[${index}]`;
    const result = expectObject(raw, resultPath);
    const id = expectNonEmptyString(result.toolUseId, `${resultPath}.toolUseId`);
    if (typeof result.status !== 'string' || !TOOL_RESULT_STATUSES.has(result.status)) {
      reject(`${resultPath}.status must be success or error`);
    }
    const content = optionalArray(result.content, `${resultPath}.content`);
    if (content.length === 0) reject(`${resultPath}.content must be a non-empty array`);
    content.forEach((block, blockIndex) => {
      const blockPath = `${resultPath}.content[${blockIndex}]`;
      const item = expectObject(block, blockPath);
      const keys = Object.keys(item);
      const isText = keys.length === 1 && typeof item.text === 'string';
      const isJson = keys.length === 1 && isObject(item.json);
      if (!isText && !isJson) reject(`${blockPath} must be {text: string} or {json: object}`);
    });
    return id;
  });
}

/** Returns the declared names; Kiro compares tool names case-insensitively (§2.5 #5, HK). */
function checkToolSpecs(value: unknown, path: string): string[] {
  const seen = new Set<string>();
  return optionalArray(value, path).flatMap((raw, index) => {
    // A cache checkpoint after the tools (§9.6), checked with the others.
    if (isObject(raw) && raw.cachePoint !== undefined && Object.keys(raw).length === 1) return [];
    const specPath = `${path}[${index}].toolSpecification`;
    const spec = expectObject(expectObject(raw, `${path}[${index}]`).toolSpecification, specPath);
    if (typeof spec.name !== 'string' || !TOOL_NAME.test(spec.name)) {
      reject(`${specPath}.name ${JSON.stringify(spec.name)} must match ${TOOL_NAME.source}`);
    }
    const description = expectNonEmptyString(spec.description, `${specPath}.description`);
    // §2.5 #4: over 10000 characters gives a bare 400. Count code points, as the Python anchors do.
    if (description.length > MAX_TOOL_DESCRIPTION_CHARS) {
      const chars = [...description].length;
      if (chars > MAX_TOOL_DESCRIPTION_CHARS) {
        reject(`${specPath}.description is ${chars} chars, over the ${MAX_TOOL_DESCRIPTION_CHARS}-char limit`);
      }
    }
    const inputSchema = expectObject(spec.inputSchema, `${specPath}.inputSchema`);
    checkSchema(expectObject(inputSchema.json, `${specPath}.inputSchema.json`), `${specPath}.inputSchema.json`);
    const folded = spec.name.toLowerCase();
    if (seen.has(folded)) reject(`${specPath}.name "${spec.name}" duplicates another tool (names compare case-insensitively)`);
    seen.add(folded);
    return spec.name;
  });
}

/** §2.5 #6: null or wrongly typed schema fields are what the service refuses, not extra keywords. */
function checkSchema(schema: JsonObject, path: string): void {
  if (schema.type !== undefined && typeof schema.type !== 'string') reject(`${path}.type must be a string`);
  if (schema.properties !== undefined && !isObject(schema.properties)) {
    reject(`${path}.properties must be an object (null is refused)`);
  }
  if (schema.required !== undefined) {
    const required = schema.required;
    if (!Array.isArray(required) || !required.every((name) => typeof name === 'string')) {
      reject(`${path}.required must be an array of strings (null is refused)`);
    }
  }
}

function checkToolUseIdsUnique(turns: readonly Turn[]): void {
  const seen = new Set<string>();
  for (const turn of turns) {
    for (const use of turn.toolUses) {
      if (seen.has(use.id)) reject(`${turn.path}.toolUses repeats toolUseId "${use.id}"`);
      seen.add(use.id);
    }
  }
}

/**
 * Anthropic validates behind Kiro (§8): each tool use is answered in the very next user turn,
 * and each tool result answers a tool use of the turn right before it.
 */
function checkToolPairing(turns: readonly Turn[]): void {
  turns.forEach((turn, index) => {
    if (turn.role === 'user') {
      const previous = index > 0 ? turns[index - 1] : undefined;
      const askedFor = new Set(previous?.toolUses.map((use) => use.id));
      const answered = new Set<string>();
      for (const id of turn.toolResultIds) {
        if (!askedFor.has(id)) reject(`${turn.path} has a toolResult for "${id}" that answers no toolUse of the preceding assistant turn`);
        if (answered.has(id)) reject(`${turn.path} answers toolUseId "${id}" more than once`);
        answered.add(id);
      }
      return;
    }
    const next = turns[index + 1];
    const answered = new Set(next?.toolResultIds);
    const missing = turn.toolUses.filter((use) => !answered.has(use.id)).map((use) => use.id);
    if (missing.length > 0) {
      reject(`${turn.path} has toolUses without a toolResult in the next user turn: ${missing.join(', ')}`, {
        message:
          `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
          `${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        reason: 'TOOL_USE_RESULT_MISMATCH',
      });
    }
  });
}

/** §2.5 #8: any tool traffic needs `tools` on the current message, covering every name used. */
function checkToolsDeclared(turns: readonly Turn[], declared: readonly string[]): void {
  const usesTools = turns.some((turn) => turn.toolUses.length > 0 || turn.toolResultIds.length > 0);
  if (!usesTools) return;
  if (declared.length === 0) {
    reject('the conversation has toolUses/toolResults but the current message declares no tools');
  }
  const names = new Set(declared.map((name) => name.toLowerCase()));
  for (const turn of turns) {
    for (const use of turn.toolUses) {
      if (!names.has(use.name.toLowerCase())) {
        reject(`${turn.path} uses tool "${use.name}", which the current message's tools do not declare`);
      }
    }
  }
}
