import { isJsonObject, type JsonObject } from '../../common/json';
import { InvalidRequestError } from '../../common/errors';
import {
  AssistantMessage,
  Conversation,
  ConversationMessage,
  ImageInput,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  userMessage,
} from '../conversation';
import { OPENAI_FIELDS as fields, toolDefinition } from '../request-fields';
import type { ChatCompletionRequest } from './chat-request';

/** OpenAI chat-completions request → the gateway's conversation model. Throws a 400 naming what is wrong. */
export function openAIToConversation(request: ChatCompletionRequest): Conversation {
  const system: string[] = [];
  const messages: ConversationMessage[] = [];

  request.messages.forEach((raw, index) => {
    const where = `messages[${index}]`;
    if (!isJsonObject(raw)) throw new InvalidRequestError(`${where} must be an object with a role.`, where);
    const role = raw.role;
    switch (role) {
      case 'system':
      case 'developer': {
        const text = textContent(raw.content, `${where}.content`);
        if (text.trim()) system.push(text);
        break;
      }
      case 'user': {
        const { text, images } = userContent(raw.content, `${where}.content`);
        messages.push(userMessage(text, { images }));
        break;
      }
      case 'assistant':
        messages.push(assistantFrom(raw, where));
        break;
      case 'tool':
      case 'function': {
        const toolCallId = role === 'tool' ? raw.tool_call_id : legacyFunctionCallId(raw.name);
        if (typeof toolCallId !== 'string' || !toolCallId) {
          throw new InvalidRequestError(`${where}.tool_call_id is required for a tool message.`, `${where}.tool_call_id`);
        }
        const text = textContent(raw.content, `${where}.content`);
        messages.push(userMessage('', { toolResults: [{ toolCallId, text, isError: false }] }));
        break;
      }
      default:
        throw new InvalidRequestError(
          `${where} has an unsupported role ${JSON.stringify(role)}; use system, developer, user, assistant or tool.`,
          `${where}.role`,
        );
    }
  });

  const tools = toolDefinitions(request);
  return { system, messages, tools, toolChoice: toolChoice(request, tools) };
}

function assistantFrom(raw: JsonObject, where: string): AssistantMessage {
  const text = raw.content === undefined || raw.content === null ? '' : textContent(raw.content, `${where}.content`, ['text', 'refusal']);
  const toolCalls: ToolCall[] = [];
  if (raw.tool_calls !== undefined && raw.tool_calls !== null) {
    if (!Array.isArray(raw.tool_calls)) throw new InvalidRequestError(`${where}.tool_calls must be an array.`, `${where}.tool_calls`);
    raw.tool_calls.forEach((call, i) => toolCalls.push(toolCallFrom(call, `${where}.tool_calls[${i}]`)));
  }
  if (isJsonObject(raw.function_call)) {
    const call = raw.function_call;
    toolCalls.push({
      id: legacyFunctionCallId(call.name),
      name: fields.string(call.name, `${where}.function_call.name`),
      input: fields.toolArguments(call.arguments, `${where}.function_call.arguments`),
    });
  }
  return { role: 'assistant', text, toolCalls };
}

function toolCallFrom(call: unknown, where: string): ToolCall {
  if (!isJsonObject(call) || !isJsonObject(call.function)) {
    throw new InvalidRequestError(`${where} must be {"id", "type": "function", "function": {"name", "arguments"}}.`, where);
  }
  return {
    id: fields.string(call.id, `${where}.id`),
    name: fields.string(call.function.name, `${where}.function.name`),
    input: fields.toolArguments(call.function.arguments, `${where}.function.arguments`),
  };
}

function textContent(content: unknown, where: string, allowedParts: string[] = ['text']): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new InvalidRequestError(`${where} must be a string or an array of content parts.`, where);
  return content
    .map((part, i) => {
      const at = `${where}[${i}]`;
      if (!isJsonObject(part) || typeof part.type !== 'string') throw new InvalidRequestError(`${at} must be a content part with a type.`, at);
      if (!allowedParts.includes(part.type)) {
        throw new InvalidRequestError(`${at} has type "${part.type}"; only ${allowedParts.join(' and ')} parts are allowed here.`, at);
      }
      const value = part.type === 'refusal' ? part.refusal : part.text;
      return fields.string(value, `${at}.${part.type}`, true);
    })
    .join('\n');
}

function userContent(content: unknown, where: string): { text: string; images: ImageInput[] } {
  if (content === undefined || content === null || typeof content === 'string') return { text: content ?? '', images: [] };
  if (!Array.isArray(content)) throw new InvalidRequestError(`${where} must be a string or an array of content parts.`, where);
  const texts: string[] = [];
  const images: ImageInput[] = [];
  content.forEach((part, i) => {
    const at = `${where}[${i}]`;
    if (!isJsonObject(part) || typeof part.type !== 'string') throw new InvalidRequestError(`${at} must be a content part with a type.`, at);
    if (part.type === 'text') texts.push(fields.string(part.text, `${at}.text`, true));
    else if (part.type === 'image_url') images.push(fields.imageUrl(isJsonObject(part.image_url) ? part.image_url.url : part.image_url, `${at}.image_url.url`));
    else {
      throw new InvalidRequestError(`${at} has type "${part.type}", which Kiro cannot take; send text and image_url parts.`, at);
    }
  });
  return { text: texts.join('\n'), images };
}

function toolDefinitions(request: ChatCompletionRequest): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  (request.tools ?? []).forEach((raw, i) => tools.push(toolFrom(raw, `tools[${i}]`)));
  (request.functions ?? []).forEach((raw, i) => tools.push(functionFrom(raw, `functions[${i}]`)));
  const seen = new Set<string>();
  for (const tool of tools) {
    if (seen.has(tool.name)) throw new InvalidRequestError(`The tool name "${tool.name}" is declared twice.`, 'tools');
    seen.add(tool.name);
  }
  return tools;
}

function toolFrom(raw: unknown, where: string): ToolDefinition {
  if (!isJsonObject(raw)) throw new InvalidRequestError(`${where} must be an object.`, where);
  if (raw.type === 'function' || isJsonObject(raw.function)) return functionFrom(raw.function, `${where}.function`);
  // Anthropic-style definitions, which some OpenAI-compatible clients send as they are.
  if (raw.type === undefined && typeof raw.name === 'string') {
    return toolDefinition(fields.string(raw.name, `${where}.name`), raw.description, isJsonObject(raw.input_schema) ? raw.input_schema : raw.parameters);
  }
  throw new InvalidRequestError(`${where} has type ${JSON.stringify(raw.type)}; only function tools are supported.`, `${where}.type`);
}

function functionFrom(raw: unknown, where: string): ToolDefinition {
  if (!isJsonObject(raw)) throw new InvalidRequestError(`${where} must be an object with a name.`, where);
  return toolDefinition(fields.string(raw.name, `${where}.name`), raw.description, raw.parameters);
}

function toolChoice(request: ChatCompletionRequest, tools: ToolDefinition[]): ToolChoice {
  const raw = request.tool_choice ?? legacyFunctionChoice(request.function_call);
  if (raw === undefined || raw === null || raw === 'auto') return { type: 'auto' };
  if (raw === 'none') return { type: 'none' };
  if (raw === 'required') return { type: 'required' };
  const name = isJsonObject(raw) && isJsonObject(raw.function) ? raw.function.name : undefined;
  if (typeof name === 'string') {
    if (!tools.some((tool) => tool.name === name)) {
      throw new InvalidRequestError(`tool_choice names the function "${name}", which is not among the declared tools.`, 'tool_choice');
    }
    return { type: 'tool', name };
  }
  throw new InvalidRequestError('tool_choice must be "auto", "none", "required" or {"type": "function", "function": {"name": ...}}.', 'tool_choice');
}

function legacyFunctionChoice(raw: unknown): unknown {
  if (isJsonObject(raw) && typeof raw.name === 'string') return { type: 'function', function: { name: raw.name } };
  return raw;
}

/** Legacy function messages carry no ids: pair a call and its result by the function name. */
function legacyFunctionCallId(name: unknown): string {
  return `call_function_${typeof name === 'string' ? name : 'unknown'}`;
}
