import { InvalidRequestError } from '../../common/errors';
import { isJsonObject, type JsonObject } from '../../common/json';
import { type AssistantMessage, assistantMessage, type Conversation, type ConversationMessage, type ImageInput, type SignedReasoning, type ToolChoice, type ToolDefinition, userMessage } from '../conversation';
import { OPENAI_FIELDS as fields } from '../request-fields';
import { thinkingForReasoningEffort } from '../thinking-budget';
import type { ResponseOutputItem } from './responses.types';
import type { SealedThought } from './sealed-thought';
import { WEB_SEARCH_TOOL_NAME } from '../web-search-tool';
import { CUSTOM_INPUT, flatToolName, type ResponsesToolMap, responsesTools } from './responses-tools';

/** The parts of a Responses API request the converter reads; items are checked one by one. */
export interface ResponsesRequest {
  model: string;
  input: unknown;
  instructions?: string | null;
  tools?: unknown[] | null;
  tool_choice?: unknown;
  reasoning?: { effort?: string | null } | null;
}

export interface ResponsesConversion {
  conversation: Conversation;
  /** How the conversation's tools are named on the Responses side (namespaces, custom tools). */
  tools: ResponsesToolMap;
  /** Hosted tools Codex may send that Kiro cannot run, left out of the request. */
  droppedTools: string[];
}

export interface ResponsesReadOptions {
  /** Reads a reasoning item's `encrypted_content` back into the thought it sealed (undefined: not ours). */
  openReasoning?: (encryptedContent: string) => SealedThought | undefined;
}

/**
 * Responses API request → the gateway's conversation model, after the turns of a previous
 * response when `previous_response_id` named one. `instructions`, `system` and `developer` text
 * become system text. A reasoning item's `encrypted_content` that this gateway sealed (Codex
 * hands it back with `store: false`) becomes the reasoning of the assistant turn after it;
 * other reasoning items are accepted and not forwarded.
 */
export function responsesToConversation(request: ResponsesRequest, previous: readonly ConversationMessage[] = [], options: ResponsesReadOptions = {}): ResponsesConversion {
  const system: string[] = [];
  if (typeof request.instructions === 'string' && request.instructions.trim()) system.push(request.instructions);
  const messages: ConversationMessage[] = [...previous.map((m) => structuredClone(m))];
  if (typeof request.input === 'string') {
    messages.push(userMessage(request.input));
  } else if (Array.isArray(request.input)) {
    const reader = new ItemReader(system, messages, options);
    request.input.forEach((item, index) => reader.add(item, `input[${index}]`));
  } else {
    throw new InvalidRequestError('input must be a string or an array of input items.', 'input');
  }
  const { tools, map, dropped, namespaceNotes, webSearch } = responsesTools(request.tools);
  system.push(...namespaceNotes);
  return {
    conversation: { ...(webSearch ? { webSearch } : {}), system, messages, tools, toolChoice: toolChoice(request.tool_choice, tools), thinking: thinkingForReasoningEffort(request.reasoning?.effort) },
    tools: map,
    droppedTools: dropped,
  };
}

/**
 * The assistant turn a response adds to the conversation (for `previous_response_id`), with the
 * first of its signed or redacted thoughts (Kiro takes one per turn, kiro-protocol.md §9.5) so the
 * model keeps thinking on the next tool turn.
 */
export function assistantTurnOf(output: readonly ResponseOutputItem[], signedThoughts: readonly SignedReasoning[] = []): ConversationMessage {
  const text = output
    .flatMap((item) => (item.type === 'message' ? item.content.map((part) => part.text) : item.type === 'web_search_call' ? [`${webSearchCallText(item.action)}\n\n`] : []))
    .join('');
  const calls = output.flatMap((item) => {
    if (item.type === 'function_call') return [{ id: item.call_id, name: flatToolName(item.name, item.namespace), input: JSON.parse(item.arguments || '{}') as JsonObject }];
    if (item.type === 'custom_tool_call') return [{ id: item.call_id, name: flatToolName(item.name, item.namespace), input: { [CUSTOM_INPUT]: item.input } }];
    return [];
  });
  const reasoning = output.flatMap((item) => (item.type === 'reasoning' ? item.summary.map((part) => part.text) : [])).join('');
  const signed = signedThoughts[0];
  return { ...assistantMessage(text, calls), ...(reasoning ? { reasoning } : {}), ...(signed ? { signedReasoning: { ...signed } } : {}) };
}

/** How many sources of an earlier search are restated to the model. */
const SEARCH_SOURCES_RESTATED = 20;

/** An earlier `web_search_call` as the assistant's words: the query and the sources it found. */
function webSearchCallText(action: unknown): string {
  const query = isJsonObject(action) && typeof action.query === 'string' ? action.query.slice(0, 500) : '';
  const sources = isJsonObject(action) && Array.isArray(action.sources) ? action.sources : [];
  const urls = sources
    .slice(0, SEARCH_SOURCES_RESTATED)
    .flatMap((source) => (isJsonObject(source) && typeof source.url === 'string' ? [`- ${source.url.slice(0, 2_000)}`] : []));
  return `[Searched the web for ${JSON.stringify(query)}]${urls.length ? `\n${urls.join('\n')}` : ''}`;
}

/** Input items, one by one, into system text and conversation turns. */
class ItemReader {
  /** Reasoning read from an item, waiting for the assistant turn it came before. */
  private reasoning: string | undefined;
  /** The first signed (or redacted) native thought among them: Kiro takes one per turn (§9.5). */
  private signed: SignedReasoning | undefined;

  constructor(
    private readonly system: string[],
    private readonly messages: ConversationMessage[],
    private readonly options: ResponsesReadOptions,
  ) {}

  add(item: unknown, where: string): void {
    if (!isJsonObject(item)) throw new InvalidRequestError(`${where} must be an object.`, where);
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    switch (type) {
      case 'message':
        if (item.role === 'assistant') return this.assistant(assistantMessage(messageText(item.content, `${where}.content`)));
        return addMessage(item, where, this.system, this.messages);
      case 'function_call':
      case 'custom_tool_call': {
        const name = flatToolName(fields.string(item.name, `${where}.name`), typeof item.namespace === 'string' && item.namespace ? item.namespace : undefined);
        const input = type === 'function_call' ? fields.toolArguments(item.arguments, `${where}.arguments`) : { [CUSTOM_INPUT]: fields.string(item.input, `${where}.input`, true) };
        return this.assistant(assistantMessage('', [{ id: fields.string(item.call_id, `${where}.call_id`), name, input }]));
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const { text, images } = outputContent(item.output, `${where}.output`);
        this.messages.push(userMessage('', { images, toolResults: [{ toolCallId: fields.string(item.call_id, `${where}.call_id`), text, isError: false }] }));
        return;
      }
      case 'web_search_call':
        // A search the gateway ran on an earlier turn: the model keeps knowing what it looked up.
        return this.assistant(assistantMessage(webSearchCallText(item.action)));
      case 'reasoning':
        if (typeof item.encrypted_content === 'string' && this.options.openReasoning) {
          const thought = this.options.openReasoning(item.encrypted_content);
          const text = thought?.text;
          if (text) this.reasoning = this.reasoning ? `${this.reasoning}\n\n${text}` : text;
          this.signed ??= thought?.signed;
        }
        return;
      default:
        throw new InvalidRequestError(
          `${where} has type ${JSON.stringify(type)}, which this gateway does not support; send message, function_call, function_call_output, custom_tool_call, custom_tool_call_output, web_search_call or reasoning items.`,
          `${where}.type`,
        );
    }
  }

  private assistant(message: AssistantMessage): void {
    if (this.reasoning) {
      message.reasoning = this.reasoning;
      this.reasoning = undefined;
    }
    if (this.signed) {
      message.signedReasoning = this.signed;
      this.signed = undefined;
    }
    this.messages.push(message);
  }
}

/** A system, developer or user message (assistant messages are the reader's: they take reasoning). */
function addMessage(item: JsonObject, where: string, system: string[], messages: ConversationMessage[]): void {
  const role = item.role;
  if (role === 'system' || role === 'developer') {
    const text = messageText(item.content, `${where}.content`);
    if (text.trim()) system.push(text);
    return;
  }
  if (role !== 'user') throw new InvalidRequestError(`${where}.role must be user, assistant, system or developer.`, `${where}.role`);
  const { text, images } = userContent(item.content, `${where}.content`);
  messages.push(userMessage(text, { images }));
}

/** Text of a system/developer/assistant message: a string or text-like parts. */
function messageText(content: unknown, where: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new InvalidRequestError(`${where} must be a string or an array of content parts.`, where);
  return content
    .map((part, i) => {
      const at = `${where}[${i}]`;
      if (!isJsonObject(part)) throw new InvalidRequestError(`${at} must be a content part.`, at);
      if (part.type === 'input_text' || part.type === 'output_text') return fields.string(part.text, `${at}.text`, true);
      if (part.type === 'refusal') return fields.string(part.refusal, `${at}.refusal`, true);
      throw new InvalidRequestError(`${at} has type ${JSON.stringify(part.type)}; only text parts are allowed here.`, `${at}.type`);
    })
    .join('\n');
}

function userContent(content: unknown, where: string): { text: string; images: ImageInput[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  if (!Array.isArray(content)) throw new InvalidRequestError(`${where} must be a string or an array of content parts.`, where);
  const texts: string[] = [];
  const images: ImageInput[] = [];
  content.forEach((part, i) => {
    const at = `${where}[${i}]`;
    if (!isJsonObject(part)) throw new InvalidRequestError(`${at} must be a content part.`, at);
    if (part.type === 'input_text' || part.type === 'output_text') texts.push(fields.string(part.text, `${at}.text`, true));
    else if (part.type === 'input_image') images.push(fields.imageUrl(part.image_url, `${at}.image_url`));
    else throw new InvalidRequestError(`${at} has type ${JSON.stringify(part.type)}, which Kiro cannot take; send input_text and input_image parts.`, `${at}.type`);
  });
  return { text: texts.join('\n'), images };
}

function outputContent(output: unknown, where: string): { text: string; images: ImageInput[] } {
  if (typeof output === 'string') return { text: output, images: [] };
  if (output === undefined || output === null) return { text: '', images: [] };
  return userContent(output, where);
}

function toolChoice(raw: unknown, tools: ToolDefinition[]): ToolChoice {
  if (raw === undefined || raw === null || raw === 'auto') return { type: 'auto' };
  if (raw === 'none') return { type: 'none' };
  if (raw === 'required') return { type: 'required' };
  if (isJsonObject(raw) && raw.type === 'function' && typeof raw.name === 'string') {
    if (!tools.some((tool) => tool.name === raw.name)) {
      throw new InvalidRequestError(`tool_choice names "${raw.name}", which is not among the declared tools.`, 'tool_choice');
    }
    return { type: 'tool', name: raw.name };
  }
  // The hosted web search forced: the gateway's search tool (web-search-tool.ts).
  if (isJsonObject(raw) && typeof raw.type === 'string' && /^web_search(_preview)?(_\d+)?$/.test(raw.type) && tools.some((tool) => tool.name === WEB_SEARCH_TOOL_NAME)) {
    return { type: 'tool', name: WEB_SEARCH_TOOL_NAME };
  }
  throw new InvalidRequestError('tool_choice must be "auto", "none", "required" or {"type": "function", "name": ...}.', 'tool_choice');
}
