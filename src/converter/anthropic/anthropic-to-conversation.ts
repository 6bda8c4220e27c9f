import { isJsonObject, type JsonObject } from '../../common/json';
import { InvalidRequestError } from '../../common/errors';
import { forLog } from '../../common/text';
import type { AssistantMessage, Conversation, ConversationMessage, ImageInput, SignedReasoning, ThinkingEffort, ThinkingRequest, ToolChoice, ToolDefinition, ToolResult, UserMessage, WebSearchRequest } from '../conversation';
import { stopSequencesFrom } from '../assistant/stop-sequences';
import { anthropicOutputFormat } from '../response-format';
import { isEffort } from '../thinking-budget';
import { toolDefinition } from '../request-fields';
import { declareWebSearch } from '../web-search-tool';
import { anthropicWebSearch, isAnthropicWebSearch } from './anthropic-web-search';
import {
  type ConversionNotes,
  documentContent,
  dropBlock,
  imageFrom,
  isServerToolResult,
  isServerToolUse,
  NOTE_NAME_CHARS,
  requireString,
  searchResultText,
  serverToolResultText,
  serverToolUseText,
} from './anthropic-blocks';

/**
 * The parts of an Anthropic Messages request the converter reads; blocks stay `unknown` and are
 * checked one by one so that an error can name the exact block.
 */
export interface AnthropicMessagesRequest {
  model: string;
  messages: unknown[];
  system?: unknown;
  max_tokens?: number;
  stream?: boolean;
  tools?: unknown[];
  tool_choice?: unknown;
  thinking?: unknown;
  output_config?: unknown;
  /** The structured-outputs beta's spelling of `output_config.format`. */
  output_format?: unknown;
  stop_sequences?: unknown;
}

export interface AnthropicConversion extends ConversionNotes {
  conversation: Conversation;
  /** Server tools (web search, code execution…) Kiro cannot run, left out of the request. */
  droppedServerTools: string[];
  /** Whether the client asked for thinking blocks without their text (`thinking.display: "omitted"`). */
  omitThinkingText: boolean;
}

/**
 * Top-level fields the conversion uses, or that mean nothing to Kiro by design (sampling
 * settings, metadata). Anything else — `context_management`, `container`, `mcp_servers`,
 * `service_tier`, fields newer than this gateway — is accepted and reported as ignored.
 */
const READ_FIELDS = new Set([
  'model', 'messages', 'system', 'max_tokens', 'stream', 'tools', 'tool_choice', 'thinking', 'output_config', 'output_format',
  'stop_sequences', 'temperature', 'top_p', 'top_k', 'metadata',
]);

/**
 * Anthropic Messages request → the gateway's conversation model.
 *
 * - `system` messages inside `messages` (Claude Code sends its "# Environment" block that way)
 *   are system instructions at that point: before the first turn they join the system prompt,
 *   later they ride in the nearest user turn, so alternation and tool pairing stay as they were.
 * - Signed thinking (and redacted thinking) sent back in history is kept for models with native
 *   reasoning, which take it back (kiro-protocol.md §9.5); unsigned thinking is not forwarded.
 * - Blocks Kiro has no field for become text (documents, search results, server tool calls) or
 *   are left out with a note; a 400 only for what cannot be read at all, naming the field.
 */
export function anthropicToConversation(request: AnthropicMessagesRequest): AnthropicConversion {
  const notes: ConversionNotes = { dropped: [], ignored: [] };
  for (const field of Object.keys(request)) if (!READ_FIELDS.has(field)) notes.ignored.push(`field ${forLog(field, NOTE_NAME_CHARS)}`);
  const system = systemText(request.system, 'system');
  const loadedTools = new Set<string>();
  const messages = conversationMessages(request.messages, system, { notes, loadedTools });
  const { tools, dropped, webSearch } = toolDefinitions(request.tools, loadedTools, request.tool_choice, notes);
  if (webSearch && tools.length === 1) {
    const leadQuery = claudeCodeSearchQuery(messages);
    if (leadQuery) webSearch.leadQuery = leadQuery;
  }
  return {
    conversation: {
      ...(webSearch ? { webSearch } : {}),
      system,
      messages,
      tools,
      toolChoice: toolChoice(request.tool_choice, tools),
      thinking: thinkingRequest(request, notes),
      ...(isJsonObject(request.thinking) && request.thinking.display === 'omitted' ? { thinkingDisplay: 'omitted' as const } : {}),
      stopSequences: stopSequencesFrom(request.stop_sequences),
      responseFormat: anthropicOutputFormat(request),
      cacheCheckpoints: { system: anyCacheControl(request.system), tools: anyCacheControl(request.tools) },
    },
    droppedServerTools: dropped,
    omitThinkingText: isJsonObject(request.thinking) && request.thinking.display === 'omitted',
    ...notes,
  };
}

interface ReadContext {
  notes: ConversionNotes;
  /** Deferred tools a `tool_reference` (Claude Code's ToolSearch) has loaded into the context. */
  loadedTools: Set<string>;
}

function conversationMessages(raw: unknown[], system: string[], context: ReadContext): ConversationMessage[] {
  const messages: ConversationMessage[] = [];
  /** System messages waiting for the user turn they belong to. */
  let pending: string[] = [];
  raw.forEach((item, index) => {
    const where = `messages.${index}`;
    if (!isJsonObject(item)) throw new InvalidRequestError(`${where}: must be an object with role and content`, where);
    if (item.role === 'system') {
      const text = systemText(item.content, `${where}.content`);
      if (messages.length === 0) system.push(...text);
      else pending.push(...text);
      return;
    }
    const message = messageFrom(item, where, context);
    if (pending.length > 0) {
      placeSystemText(messages, message, pending);
      pending = [];
    }
    messages.push(message);
  });
  if (pending.length > 0) placeSystemText(messages, undefined, pending);
  // As Anthropic's API: system entries are instructions, not a conversation to answer.
  if (messages.length === 0) throw new InvalidRequestError('messages: at least one user or assistant message is required (system entries alone are instructions, not a conversation)', 'messages');
  return messages;
}

/**
 * Mid-conversation system text goes into the user turn that follows it, or else the one before
 * it; only between two assistant turns (or after a trailing one) does it become a user turn.
 * It is marked as a reminder, the way Claude Code marks the system text it sends in user turns.
 */
function placeSystemText(before: ConversationMessage[], next: ConversationMessage | undefined, texts: string[]): void {
  const reminder = texts.map((text) => `<system-reminder>\n${text}\n</system-reminder>`).join('\n\n');
  if (next?.role === 'user') {
    next.text = joinText(reminder, next.text);
    return;
  }
  const previous = before[before.length - 1];
  if (previous?.role === 'user') previous.text = joinText(previous.text, reminder);
  else before.push({ role: 'user', text: reminder, images: [], toolResults: [] });
}

/**
 * Claude Code opens its system prompt with an attribution line for Anthropic's billing
 * (`x-anthropic-billing-header: cc_version=…; cc_entrypoint=…; cch=…;`), whose `cch=` hash
 * changes with every request. It says nothing to the model, and left in it would change the
 * prompt's first bytes on every turn, so Kiro's prompt cache could never serve the prefix (§9.6).
 */
const BILLING_HEADER = 'x-anthropic-billing-header:';

function systemText(system: unknown, where: string): string[] {
  if (system === undefined || system === null) return [];
  if (typeof system === 'string') return system.trim() ? [system] : [];
  if (!Array.isArray(system)) throw new InvalidRequestError(`${where}: must be a string or an array of text blocks`, where);
  const text = system
    .map((block, i) => {
      if (!isJsonObject(block) || block.type !== 'text' || typeof block.text !== 'string') {
        throw new InvalidRequestError(`${where}.${i}: must be a text block {"type": "text", "text": "..."}`, `${where}.${i}`);
      }
      return block.text;
    })
    .filter((text) => !text.startsWith(BILLING_HEADER))
    .join('\n\n');
  return text.trim() ? [text] : [];
}

/** Whether any block (system, tool, or a message's content) carries `cache_control` (§9.6). */
function anyCacheControl(blocks: unknown): boolean {
  return Array.isArray(blocks) && blocks.some((block) => isJsonObject(block) && isJsonObject(block.cache_control));
}

function messageFrom(raw: JsonObject, where: string, context: ReadContext): ConversationMessage {
  const message = raw.role === 'user' ? userFrom(raw.content, where, context) : raw.role === 'assistant' ? assistantFrom(raw.content, where, context.notes) : undefined;
  if (message) {
    if (anyCacheControl(raw.content)) message.cacheCheckpoint = true;
    return message;
  }
  throw new InvalidRequestError(`${where}.role: must be "user", "assistant" or "system" (got ${JSON.stringify(raw.role)})`, `${where}.role`);
}

function blocksOf(content: unknown, where: string): JsonObject[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw new InvalidRequestError(`${where}.content: must be a string or an array of content blocks`, `${where}.content`);
  return content.map((block, i) => {
    if (!isJsonObject(block) || typeof block.type !== 'string') {
      throw new InvalidRequestError(`${where}.content.${i}: must be a content block with a type`, `${where}.content.${i}`);
    }
    return block;
  });
}

function userFrom(content: unknown, where: string, context: ReadContext): UserMessage {
  const { notes } = context;
  const texts: string[] = [];
  const images: ImageInput[] = [];
  const toolResults: ToolResult[] = [];
  blocksOf(content, where).forEach((block, i) => {
    const at = `${where}.content.${i}`;
    const type = block.type as string;
    switch (type) {
      case 'text':
        texts.push(requireString(block.text, `${at}.text`));
        break;
      case 'image':
        images.push(imageFrom(block, at));
        break;
      case 'tool_result': {
        const result = toolResultFrom(block, at, context);
        toolResults.push(result.result);
        // Kiro's tool results carry text only: images returned by a tool ride on the same turn.
        images.push(...result.images);
        break;
      }
      case 'document': {
        const document = documentContent(block, at, notes);
        texts.push(document.text);
        images.push(...document.images);
        break;
      }
      case 'search_result':
        texts.push(searchResultText(block, at, notes));
        break;
      case 'thinking':
      case 'redacted_thinking':
        notes.ignored.push(`${at}: ${type}`);
        break;
      case 'tool_use':
        throw new InvalidRequestError(`${at}.type: "tool_use" belongs in an assistant message; a user message answers it with tool_result`, `${at}.type`);
      default:
        // container_upload (a file for the code-execution container) and block types newer than this gateway.
        dropBlock(notes, at, type);
    }
  });
  return { role: 'user', text: texts.join('\n\n'), images, toolResults };
}

function assistantFrom(content: unknown, where: string, notes: ConversionNotes): AssistantMessage {
  const texts: string[] = [];
  const message: AssistantMessage = { role: 'assistant', text: '', toolCalls: [] };
  blocksOf(content, where).forEach((block, i) => {
    const at = `${where}.content.${i}`;
    const type = block.type as string;
    if (type === 'text') {
      texts.push(requireString(block.text, `${at}.text`));
    } else if (type === 'tool_use') {
      if (!isJsonObject(block.input)) throw new InvalidRequestError(`${at}.input: must be an object`, `${at}.input`);
      message.toolCalls.push({ id: requireString(block.id, `${at}.id`, false), name: requireString(block.name, `${at}.name`, false), input: block.input });
    } else if (isServerToolUse(type)) {
      texts.push(serverToolUseText(block, at));
    } else if (isServerToolResult(type)) {
      texts.push(serverToolResultText(block));
    } else if (type === 'thinking' || type === 'redacted_thinking') {
      const signed = signedReasoningOf(block);
      // Kiro takes one reasoning block per turn: the first signed one, whose signature covers its text.
      if (signed && !message.signedReasoning) message.signedReasoning = signed;
      else notes.ignored.push(`${at}: ${type}${signed ? '' : ' without a signature'}`);
    } else if (type === 'image' || type === 'tool_result') {
      throw new InvalidRequestError(`${at}.type: "${type}" is not allowed in an assistant message; use text, tool_use or thinking`, `${at}.type`);
    } else {
      dropBlock(notes, at, type);
    }
  });
  message.text = texts.join('\n\n');
  return message;
}

function toolResultFrom(block: JsonObject, at: string, context: ReadContext): { result: ToolResult; images: ImageInput[] } {
  const toolCallId = requireString(block.tool_use_id, `${at}.tool_use_id`, false);
  const images: ImageInput[] = [];
  let text = '';
  if (typeof block.content === 'string') text = block.content;
  else if (Array.isArray(block.content)) {
    const parts: string[] = [];
    block.content.forEach((part, i) => {
      const partAt = `${at}.content.${i}`;
      if (!isJsonObject(part)) throw new InvalidRequestError(`${partAt}: must be a content block`, partAt);
      if (part.type === 'text') parts.push(requireString(part.text, `${partAt}.text`));
      else if (part.type === 'image') images.push(imageFrom(part, partAt));
      else if (part.type === 'document') {
        const document = documentContent(part, partAt, context.notes);
        parts.push(document.text);
        images.push(...document.images);
      } else if (part.type === 'search_result') parts.push(searchResultText(part, partAt, context.notes));
      else if (part.type === 'tool_reference') {
        // Claude Code's ToolSearch answers with references; the API then loads those deferred tools.
        const name = requireString(part.tool_name, `${partAt}.tool_name`, false);
        context.loadedTools.add(name);
        parts.push(`Tool "${name}" is now available.`);
      } else dropBlock(context.notes, partAt, part.type, ' in a tool result');
    });
    text = parts.join('\n\n');
    if (!text && images.length > 0) text = `(${images.length} image${images.length > 1 ? 's' : ''} attached to this turn)`;
  } else if (block.content !== undefined && block.content !== null) {
    throw new InvalidRequestError(`${at}.content: must be a string or an array of blocks`, `${at}.content`);
  }
  return { result: { toolCallId, text, isError: block.is_error === true }, images };
}

/**
 * Custom tools become tool definitions. Server tools carry a versioned `type`
 * (web_search_20250305, bash_20250124…) and are left out: Kiro cannot run them. A tool with
 * `defer_loading` is declared only once a `tool_reference` has loaded it, as in Anthropic's API.
 */
function toolDefinitions(
  raw: unknown[] | undefined,
  loaded: ReadonlySet<string>,
  choice: unknown,
  notes: ConversionNotes,
): { tools: ToolDefinition[]; dropped: string[]; webSearch?: WebSearchRequest } {
  const tools: ToolDefinition[] = [];
  const dropped: string[] = [];
  let webSearch: { request: WebSearchRequest; at: string } | undefined;
  const chosen = isJsonObject(choice) && typeof choice.name === 'string' ? choice.name : undefined;
  const names = new Set<string>();
  (raw ?? []).forEach((tool, i) => {
    const at = `tools.${i}`;
    if (!isJsonObject(tool)) throw new InvalidRequestError(`${at}: must be an object`, at);
    if (isAnthropicWebSearch(tool)) {
      if (webSearch) throw new InvalidRequestError(`${at}: only one web search tool may be declared`, `${at}.type`);
      webSearch = { request: anthropicWebSearch(tool, at), at };
      return;
    }
    if (tool.type !== undefined && tool.type !== 'custom') {
      const type = forLog(tool.type, NOTE_NAME_CHARS);
      dropped.push(typeof tool.name === 'string' ? `${forLog(tool.name, NOTE_NAME_CHARS)} (${type})` : type);
      return;
    }
    const name = requireString(tool.name, `${at}.name`, false);
    if (names.has(name)) throw new InvalidRequestError(`${at}.name: the tool "${name}" is declared twice`, `${at}.name`);
    names.add(name);
    if (tool.defer_loading === true && !loaded.has(name) && name !== chosen) {
      notes.ignored.push(`${at}: deferred tool ${forLog(name, NOTE_NAME_CHARS)}, not loaded yet`);
      return;
    }
    tools.push(toolDefinition(name, tool.description, tool.input_schema));
  });
  // Run by the gateway (generation/web-search/); declared last, so the client's tools keep their order.
  if (webSearch) declareWebSearch(tools, webSearch.at);
  return { tools, dropped, ...(webSearch ? { webSearch: webSearch.request } : {}) };
}

/** How Claude Code's WebSearch tool asks its side query (kiro-protocol.md §9.7). */
const CLAUDE_CODE_SEARCH_PROMPT = 'Perform a web search for the query: ';

/**
 * The query of Claude Code's WebSearch side request: its only tool is the web search, and its
 * user text is "Perform a web search for the query: <query>". The gateway searches that first,
 * as Anthropic's model always does; the query is the rest of the first line.
 */
function claudeCodeSearchQuery(messages: readonly ConversationMessage[]): string | undefined {
  const last = messages.at(-1);
  if (last?.role !== 'user') return undefined;
  const at = last.text.indexOf(CLAUDE_CODE_SEARCH_PROMPT);
  if (at < 0) return undefined;
  const query = last.text.slice(at + CLAUDE_CODE_SEARCH_PROMPT.length).split('\n')[0].trim();
  return query || undefined;
}


function toolChoice(raw: unknown, tools: ToolDefinition[]): ToolChoice {
  if (raw === undefined || raw === null) return { type: 'auto' };
  if (!isJsonObject(raw)) throw new InvalidRequestError('tool_choice: must be an object such as {"type": "auto"}', 'tool_choice');
  switch (raw.type) {
    case 'auto':
      return { type: 'auto' };
    case 'any':
      return { type: 'required' };
    case 'none':
      return { type: 'none' };
    case 'tool': {
      const name = requireString(raw.name, 'tool_choice.name', false);
      if (!tools.some((tool) => tool.name === name)) throw new InvalidRequestError(`tool_choice.name: "${name}" is not among the declared tools`, 'tool_choice.name');
      return { type: 'tool', name };
    }
    default:
      throw new InvalidRequestError('tool_choice.type: must be auto, any, tool or none', 'tool_choice.type');
  }
}

/** A thinking block with its signature, or redacted thinking with its data; undefined for anything else. */
function signedReasoningOf(block: JsonObject): SignedReasoning | undefined {
  if (block.type === 'redacted_thinking') return typeof block.data === 'string' && block.data ? { redacted: block.data } : undefined;
  if (typeof block.thinking !== 'string' || typeof block.signature !== 'string' || !block.signature) return undefined;
  return { text: block.thinking, signature: block.signature };
}

/**
 * Thinking is on only when asked for, as in Anthropic's API: `enabled` with its budget (a missing
 * budget means the medium effort), `adaptive` by `output_config.effort`. An effort newer than
 * this gateway is served at the medium effort rather than refused.
 */
function thinkingRequest(request: AnthropicMessagesRequest, notes: ConversionNotes): ThinkingRequest {
  const thinking = request.thinking;
  if (!isJsonObject(thinking)) return { kind: 'off' };
  if (thinking.type === 'enabled') {
    const budget = Number(thinking.budget_tokens);
    return Number.isFinite(budget) && budget > 0 ? { kind: 'budget', tokens: budget } : { kind: 'effort', effort: 'medium' };
  }
  if (thinking.type === 'adaptive') return { kind: 'effort', effort: effortOf(request.output_config, notes) };
  return { kind: 'off' };
}

function effortOf(outputConfig: unknown, notes: ConversionNotes): ThinkingEffort {
  const effort = isJsonObject(outputConfig) ? outputConfig.effort : undefined;
  if (effort === undefined || effort === null) return 'medium';
  if (isEffort(effort)) return effort;
  if (effort === 'xhigh') return 'max';
  notes.ignored.push(`output_config.effort ${forLog(JSON.stringify(effort), NOTE_NAME_CHARS)} (served as medium)`);
  return 'medium';
}

function joinText(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return `${a}\n\n${b}`;
}
