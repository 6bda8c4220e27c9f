import { isJsonObject, type JsonObject } from '../../common/json';
import { InvalidRequestError } from '../../common/errors';
import type { AssistantMessage, Conversation, ConversationMessage, ImageInput, ThinkingRequest, ToolChoice, ToolDefinition, ToolResult, UserMessage } from '../conversation';
import { canonicalBase64, imageFormat } from '../image-data';
import { stopSequencesFrom } from '../response/stop-sequences';
import { isEffort } from '../thinking-budget';

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
  stop_sequences?: unknown;
}

export interface AnthropicConversion {
  conversation: Conversation;
  /** Server tools (web search, code execution…) Kiro cannot run, left out of the request. */
  droppedServerTools: string[];
}


/**
 * Anthropic Messages request → the gateway's conversation model. Thinking blocks sent back in
 * history are not forwarded: Anthropic's own API drops earlier turns' thinking from the context
 * too, and Kiro has no field for them (documented in the README).
 */
export function anthropicToConversation(request: AnthropicMessagesRequest): AnthropicConversion {
  const system = systemText(request.system);
  const messages: ConversationMessage[] = request.messages.map((raw, index) => messageFrom(raw, `messages.${index}`));
  const { tools, dropped } = toolDefinitions(request.tools);
  return {
    conversation: {
      system,
      messages,
      tools,
      toolChoice: toolChoice(request.tool_choice, tools),
      thinking: thinkingRequest(request),
      stopSequences: stopSequencesFrom(request.stop_sequences),
    },
    droppedServerTools: dropped,
  };
}

function systemText(system: unknown): string[] {
  if (system === undefined || system === null) return [];
  if (typeof system === 'string') return system.trim() ? [system] : [];
  if (!Array.isArray(system)) throw new InvalidRequestError('system: must be a string or an array of text blocks', 'system');
  const text = system
    .map((block, i) => {
      if (!isJsonObject(block) || block.type !== 'text' || typeof block.text !== 'string') {
        throw new InvalidRequestError(`system.${i}: must be a text block {"type": "text", "text": "..."}`, `system.${i}`);
      }
      return block.text;
    })
    .join('\n\n');
  return text.trim() ? [text] : [];
}

function messageFrom(raw: unknown, where: string): ConversationMessage {
  if (!isJsonObject(raw)) throw new InvalidRequestError(`${where}: must be an object with role and content`, where);
  if (raw.role === 'user') return userFrom(raw.content, where);
  if (raw.role === 'assistant') return assistantFrom(raw.content, where);
  throw new InvalidRequestError(`${where}.role: must be "user" or "assistant" (got ${JSON.stringify(raw.role)})`, `${where}.role`);
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

function userFrom(content: unknown, where: string): UserMessage {
  const texts: string[] = [];
  const images: ImageInput[] = [];
  const toolResults: ToolResult[] = [];
  blocksOf(content, where).forEach((block, i) => {
    const at = `${where}.content.${i}`;
    switch (block.type) {
      case 'text':
        texts.push(requireString(block.text, `${at}.text`));
        break;
      case 'image':
        images.push(imageFrom(block, at));
        break;
      case 'tool_result': {
        const result = toolResultFrom(block, at);
        toolResults.push(result.result);
        // Kiro's tool results carry text only: images returned by a tool ride on the same turn.
        images.push(...result.images);
        break;
      }
      case 'document':
        throw new InvalidRequestError(`${at}: document blocks are not supported by Kiro; send the document's text as a text block`, at);
      case 'thinking':
      case 'redacted_thinking':
        break;
      default:
        throw new InvalidRequestError(`${at}.type: "${block.type}" is not supported in a user message; use text, image or tool_result`, `${at}.type`);
    }
  });
  return { role: 'user', text: texts.join('\n\n'), images, toolResults };
}

function assistantFrom(content: unknown, where: string): AssistantMessage {
  const texts: string[] = [];
  const message: AssistantMessage = { role: 'assistant', text: '', toolCalls: [] };
  blocksOf(content, where).forEach((block, i) => {
    const at = `${where}.content.${i}`;
    switch (block.type) {
      case 'text':
        texts.push(requireString(block.text, `${at}.text`));
        break;
      case 'tool_use':
      case 'server_tool_use':
        if (!isJsonObject(block.input)) throw new InvalidRequestError(`${at}.input: must be an object`, `${at}.input`);
        message.toolCalls.push({ id: requireString(block.id, `${at}.id`, false), name: requireString(block.name, `${at}.name`, false), input: block.input });
        break;
      case 'thinking':
      case 'redacted_thinking':
        break;
      default:
        throw new InvalidRequestError(`${at}.type: "${block.type}" is not supported in an assistant message; use text, tool_use or thinking`, `${at}.type`);
    }
  });
  message.text = texts.join('\n\n');
  return message;
}

function toolResultFrom(block: JsonObject, at: string): { result: ToolResult; images: ImageInput[] } {
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
      else throw new InvalidRequestError(`${partAt}.type: tool results may hold text and image blocks (got "${String(part.type)}")`, `${partAt}.type`);
    });
    text = parts.join('\n\n');
    if (!text && images.length > 0) text = `(${images.length} image${images.length > 1 ? 's' : ''} attached to this turn)`;
  } else if (block.content !== undefined && block.content !== null) {
    throw new InvalidRequestError(`${at}.content: must be a string or an array of blocks`, `${at}.content`);
  }
  return { result: { toolCallId, text, isError: block.is_error === true }, images };
}

function imageFrom(block: JsonObject, at: string): ImageInput {
  const source = block.source;
  if (!isJsonObject(source)) throw new InvalidRequestError(`${at}.source: required`, `${at}.source`);
  if (source.type === 'url') {
    throw new InvalidRequestError(`${at}.source: URL images are not supported by Kiro; send {"type": "base64", "media_type": "image/png", "data": "..."}`, `${at}.source`);
  }
  if (source.type !== 'base64') throw new InvalidRequestError(`${at}.source.type: must be "base64"`, `${at}.source.type`);
  const format = typeof source.media_type === 'string' ? imageFormat(source.media_type) : undefined;
  if (!format) throw new InvalidRequestError(`${at}.source.media_type: must be image/png, image/jpeg, image/gif or image/webp`, `${at}.source.media_type`);
  const base64 = typeof source.data === 'string' ? canonicalBase64(source.data) : undefined;
  if (!base64) throw new InvalidRequestError(`${at}.source.data: must be base64 image data`, `${at}.source.data`);
  return { format, base64 };
}

/** Anthropic server tools carry a versioned `type` (web_search_20250305, bash_20250124…). */
function toolDefinitions(raw: unknown[] | undefined): { tools: ToolDefinition[]; dropped: string[] } {
  const tools: ToolDefinition[] = [];
  const dropped: string[] = [];
  const names = new Set<string>();
  (raw ?? []).forEach((tool, i) => {
    const at = `tools.${i}`;
    if (!isJsonObject(tool)) throw new InvalidRequestError(`${at}: must be an object`, at);
    if (tool.type !== undefined && tool.type !== 'custom') {
      dropped.push(typeof tool.name === 'string' ? `${tool.name} (${String(tool.type)})` : String(tool.type));
      return;
    }
    const name = requireString(tool.name, `${at}.name`, false);
    if (names.has(name)) throw new InvalidRequestError(`${at}.name: the tool "${name}" is declared twice`, `${at}.name`);
    names.add(name);
    tools.push({
      name,
      description: typeof tool.description === 'string' ? tool.description : '',
      parameters: isJsonObject(tool.input_schema) ? tool.input_schema : {},
    });
  });
  return { tools, dropped };
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

/**
 * Thinking is on only when asked for, as in Anthropic's API: `enabled` with its budget (a missing
 * budget means the medium effort), `adaptive` by `output_config.effort`.
 */
function thinkingRequest(request: AnthropicMessagesRequest): ThinkingRequest {
  const thinking = request.thinking;
  if (!isJsonObject(thinking)) return { kind: 'off' };
  if (thinking.type === 'enabled') {
    const budget = Number(thinking.budget_tokens);
    return Number.isFinite(budget) && budget > 0 ? { kind: 'budget', tokens: budget } : { kind: 'effort', effort: 'medium' };
  }
  if (thinking.type === 'adaptive') {
    const effort = isJsonObject(request.output_config) ? request.output_config.effort : undefined;
    if (effort !== undefined && !isEffort(effort)) {
      throw new InvalidRequestError('output_config.effort: must be low, medium, high or max', 'output_config.effort');
    }
    return { kind: 'effort', effort: effort ?? 'medium' };
  }
  return { kind: 'off' };
}

function requireString(value: unknown, where: string, allowEmpty = true): string {
  if (typeof value !== 'string' || (!allowEmpty && !value)) {
    throw new InvalidRequestError(`${where}: must be a${allowEmpty ? '' : ' non-empty'} string`, where);
  }
  return value;
}

