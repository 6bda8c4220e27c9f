import type { RequestLimits } from '../config/env.schema';
import { ContextTooLongError, RequestBoundError } from '../common/errors';
import { isJsonObject } from '../common/json';

/** OpenAI's own limit on `stop`: its API refuses a fifth sequence. */
export const OPENAI_MAX_STOP_SEQUENCES = 4;
/** The answer's last this-many characters are held back while they could start a stop sequence. */
export const MAX_STOP_SEQUENCE_LENGTH = 1_000;

/** What the bounds of a request are checked against, and Kiro's payload limit for routes that call it. */
export interface BoundsContext {
  limits: RequestLimits;
  /** KIRO_MAX_PAYLOAD_BYTES when the request goes to Kiro; absent for count_tokens. */
  kiroPayloadBytes?: number;
}

/**
 * One request's tally against the gateway's documented bounds, failing at the first one crossed
 * with a 400 that names it. The walkers below read each family's request shape just deep enough
 * to count (they skip what is malformed: the converters report that), in linear time, before the
 * converters or anything heavier run. For requests that go to Kiro they also add up text and image
 * bytes that reach Kiro for sure, so a conversation that cannot fit is refused before it is built.
 */
export class RequestBudget {
  private messages = 0;
  private blocks = 0;
  private imageBytes = 0;
  private payloadFloor = 0;
  private readonly toolResultIds = new Set<string>();

  constructor(private readonly context: BoundsContext) {}

  countMessages(count: number, param: string): void {
    this.messages += count;
    const limit = this.context.limits.messages;
    if (this.messages > limit) throw this.tooLong(`${param}: the request holds ${this.messages} messages, over this gateway's limit of ${limit} (MAX_MESSAGES).`, param);
  }

  countBlock(param: string): void {
    const limit = this.context.limits.contentBlocks;
    if (++this.blocks > limit) throw this.tooLong(`${param}: the request holds more than ${limit} content blocks (MAX_CONTENT_BLOCKS).`, param);
  }

  /**
   * A conversation over these bounds is far over what Kiro takes as well: for a request to Kiro it
   * is a context overflow, which agents answer by compacting ("prompt is too long"); for
   * count_tokens, a bound.
   */
  private tooLong(message: string, param: string): RequestBoundError | ContextTooLongError {
    return this.context.kiroPayloadBytes === undefined ? new RequestBoundError(message, param) : new ContextTooLongError(message);
  }

  countTools(count: number, param: string): void {
    const limit = this.context.limits.tools;
    if (count > limit) throw new RequestBoundError(`${param}: ${count} tools, over this gateway's limit of ${limit} (MAX_TOOLS).`, param);
  }

  checkStopSequences(raw: unknown, limit: number, setting: string, param: string): void {
    const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
    if (list.length > limit) throw new RequestBoundError(`${param}: ${list.length} stop sequences, over the limit of ${limit} (${setting}).`, param);
    list.forEach((sequence, i) => {
      if (typeof sequence === 'string' && sequence.length > MAX_STOP_SEQUENCE_LENGTH) {
        throw new RequestBoundError(`${param}: stop sequence ${i} is longer than ${MAX_STOP_SEQUENCE_LENGTH} characters.`, param);
      }
    });
  }

  /** A base64 image of `base64Length` characters (its decoded size is about three quarters of it). */
  countImage(base64Length: number, param: string): void {
    const bytes = Math.floor((base64Length * 3) / 4);
    const { imageBytes, requestImageBytes } = this.context.limits;
    if (bytes > imageBytes) throw new RequestBoundError(`${param}: the image is about ${megabytes(bytes)}, over the limit of ${megabytes(imageBytes)} per image (MAX_IMAGE_BYTES).`, param);
    this.imageBytes += bytes;
    if (this.imageBytes > requestImageBytes) {
      throw new RequestBoundError(`${param}: the request's images add up to more than ${megabytes(requestImageBytes)} (MAX_REQUEST_IMAGE_BYTES).`, param);
    }
    // Canonical base64 is at least the decoded size; whitespace in the data is not counted.
    this.addToPayload(bytes);
  }

  /** Text that reaches Kiro as it is (whitespace-only text may become a placeholder: not counted). */
  countText(text: unknown): void {
    if (typeof text === 'string' && this.context.kiroPayloadBytes !== undefined && /\S/.test(text)) this.addToPayload(text.length);
  }

  /** A tool result's text reaches Kiro once per call id (a repeated answer to one call is dropped). */
  countToolResult(id: unknown, text: unknown): void {
    if (typeof id !== 'string' || this.toolResultIds.has(id)) return;
    this.toolResultIds.add(id);
    this.countText(text);
  }

  private addToPayload(bytes: number): void {
    const limit = this.context.kiroPayloadBytes;
    if (limit === undefined) return;
    this.payloadFloor += bytes;
    if (this.payloadFloor > limit) {
      throw new ContextTooLongError(
        `The request holds more than ${Math.round(limit / 1024)} KB of text and images, over what Kiro accepts (KIRO_MAX_PAYLOAD_BYTES). Shorten the conversation.`,
      );
    }
  }
}

/** OpenAI chat completions: messages, their parts, tool calls, tools and functions, `stop`. */
export function checkChatRequestBounds(request: { messages?: unknown; tools?: unknown; functions?: unknown; stop?: unknown }, context: BoundsContext): void {
  const budget = new RequestBudget(context);
  budget.checkStopSequences(request.stop, OPENAI_MAX_STOP_SEQUENCES, "OpenAI's limit", 'stop');
  budget.countTools(lengthOf(request.tools) + lengthOf(request.functions), 'tools');
  const messages = arrayOrEmpty(request.messages);
  budget.countMessages(messages.length, 'messages');
  messages.forEach((message, i) => {
    if (!isJsonObject(message)) return;
    const at = `messages[${i}]`;
    if (message.role === 'tool') budget.countToolResult(message.tool_call_id, message.content);
    else if (typeof message.content === 'string') budget.countText(message.content);
    arrayOrEmpty(message.content).forEach((part, j) => {
      const partAt = `${at}.content[${j}]`;
      budget.countBlock(partAt);
      if (!isJsonObject(part)) return;
      if (part.type === 'image_url') countDataUrl(budget, isJsonObject(part.image_url) ? part.image_url.url : part.image_url, `${partAt}.image_url`);
      else if (message.role !== 'tool') budget.countText(part.text);
    });
    arrayOrEmpty(message.tool_calls).forEach((_, j) => budget.countBlock(`${at}.tool_calls[${j}]`));
  });
}

/** Anthropic Messages: messages, system blocks, content blocks (also inside tool results), tools, `stop_sequences`. */
export function checkAnthropicRequestBounds(request: { messages?: unknown; system?: unknown; tools?: unknown; stop_sequences?: unknown }, context: BoundsContext): void {
  const budget = new RequestBudget(context);
  budget.checkStopSequences(request.stop_sequences, context.limits.stopSequences, 'MAX_STOP_SEQUENCES', 'stop_sequences');
  budget.countTools(lengthOf(request.tools), 'tools');
  if (typeof request.system === 'string') budget.countText(request.system);
  arrayOrEmpty(request.system).forEach((block, i) => {
    budget.countBlock(`system.${i}`);
    if (isJsonObject(block)) budget.countText(block.text);
  });
  const messages = arrayOrEmpty(request.messages);
  budget.countMessages(messages.length, 'messages');
  messages.forEach((message, i) => {
    if (!isJsonObject(message)) return;
    if (typeof message.content === 'string') budget.countText(message.content);
    arrayOrEmpty(message.content).forEach((block, j) => {
      const at = `messages.${i}.content.${j}`;
      budget.countBlock(at);
      if (!isJsonObject(block)) return;
      if (block.type === 'text') budget.countText(block.text);
      else if (block.type === 'image') countAnthropicImage(budget, block, at);
      else if (block.type === 'tool_result') {
        if (typeof block.content === 'string') budget.countToolResult(block.tool_use_id, block.content);
        arrayOrEmpty(block.content).forEach((part, k) => {
          const partAt = `${at}.content.${k}`;
          budget.countBlock(partAt);
          if (isJsonObject(part) && part.type === 'image') countAnthropicImage(budget, part, partAt);
        });
      }
    });
  });
}

/** Responses: input items (with the previous response's turns), their parts, tools. */
export function checkResponsesRequestBounds(request: { input?: unknown; instructions?: unknown; tools?: unknown }, previousMessages: number, context: BoundsContext): void {
  const budget = new RequestBudget(context);
  budget.countTools(responsesToolCount(request.tools), 'tools');
  budget.countText(request.instructions);
  if (typeof request.input === 'string') budget.countText(request.input);
  const items = arrayOrEmpty(request.input);
  budget.countMessages(previousMessages + items.length, 'input');
  items.forEach((item, i) => {
    if (!isJsonObject(item)) return;
    const at = `input[${i}]`;
    if (item.type === 'function_call_output' && typeof item.output === 'string') budget.countToolResult(item.call_id, item.output);
    if (typeof item.content === 'string') budget.countText(item.content);
    [...arrayOrEmpty(item.content), ...arrayOrEmpty(item.output)].forEach((part, j) => {
      const partAt = `${at}.content[${j}]`;
      budget.countBlock(partAt);
      if (!isJsonObject(part)) return;
      if (part.type === 'input_image') countDataUrl(budget, part.image_url, `${partAt}.image_url`);
      else budget.countText(part.text);
    });
  });
}

/** Codex's namespaces hold function tools of their own: each nested tool counts as a tool. */
function responsesToolCount(tools: unknown): number {
  let count = 0;
  for (const tool of arrayOrEmpty(tools)) {
    count += isJsonObject(tool) && tool.type === 'namespace' && Array.isArray(tool.tools) ? Math.max(1, tool.tools.length) : 1;
  }
  return count;
}

function countAnthropicImage(budget: RequestBudget, block: Record<string, unknown>, at: string): void {
  const data = isJsonObject(block.source) ? block.source.data : undefined;
  if (typeof data === 'string') budget.countImage(data.length, `${at}.source.data`);
}

/** The base64 part of a `data:` URL. */
function countDataUrl(budget: RequestBudget, url: unknown, param: string): void {
  if (typeof url !== 'string' || !url.startsWith('data:')) return;
  const comma = url.indexOf(',');
  if (comma >= 0) budget.countImage(url.length - comma - 1, param);
}

function arrayOrEmpty(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function lengthOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
