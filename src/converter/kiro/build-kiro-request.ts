import type {
  KiroHistoryEntry,
  KiroRequestBody,
  KiroToolResult,
  KiroToolSpecification,
  KiroToolUse,
  KiroUserInputMessage,
} from '../../kiro';
import {
  AssistantMessage,
  assistantMessage,
  Conversation,
  ConversationMessage,
  ToolDefinition,
  UserMessage,
  userMessage,
} from '../conversation';
import { ToolNameMap } from './tool-names';
import { repairToolSchema } from './tool-schema';
import { responseFormatInstruction } from '../response-format';

export interface KiroBuildOptions {
  modelId: string;
  conversationId: string;
  profileArn?: string;
  toolDescriptionMaxLength: number;
  /** Ask for `<thinking>` output with this budget (fake reasoning, kiro-protocol.md §2.5 #13). */
  thinkingBudget?: number;
}

export interface KiroBuildResult {
  body: KiroRequestBody;
  /** Maps the tool names Kiro will answer with back to the client's. */
  toolNames: ToolNameMap;
}

/** Placeholders for turns Kiro would refuse as empty (kiro-protocol.md §2.5 #3). */
export const PLACEHOLDER = {
  emptyTurn: '(empty)',
  continue: 'Continue',
  toolResultsOnly: 'Tool results provided.',
  assistantToolsOnly: '(calling tools)',
  missingToolResult: 'No result was provided for this tool call.',
} as const;

/**
 * Conversation → the body Kiro accepts: history that starts with a user turn and strictly
 * alternates, no empty turn, system text once with the first user turn, tool results paired
 * with the calls right before them, and tools declared whenever tool content is sent.
 */
export function buildKiroRequest(conversation: Conversation, options: KiroBuildOptions): KiroBuildResult {
  const toolNames = new ToolNameMap();
  const declareTools = conversation.toolChoice.type !== 'none' && conversation.tools.length > 0;
  const systemParts = [...conversation.system];
  const tools = declareTools ? conversation.tools.map((tool) => toKiroTool(tool, toolNames, options, systemParts)) : [];
  if (declareTools) systemParts.push(...toolChoiceInstruction(conversation, toolNames));

  let messages = mergeSameRole(conversation.messages.map(cloneMessage));
  if (!declareTools) messages = messages.map(toolContentAsText);
  if (messages[0]?.role === 'assistant') messages.unshift(userMessage(PLACEHOLDER.emptyTurn));
  // A trailing assistant turn is a prefill: it goes to history and Kiro is asked to continue.
  if (messages.length === 0 || messages[messages.length - 1].role === 'assistant') messages.push(userMessage(PLACEHOLDER.continue));
  if (declareTools) {
    renameReusedToolCallIds(messages);
    pairToolResults(messages);
  }
  prependSystem(messages, systemParts.filter((part) => part.trim()).join('\n\n'));

  const history: KiroHistoryEntry[] = messages.slice(0, -1).map((message) =>
    message.role === 'user'
      ? { userInputMessage: toKiroUser(message, options, false) }
      : { assistantResponseMessage: toKiroAssistant(message, toolNames, options.thinkingBudget !== undefined) },
  );
  const current = toKiroUser(messages[messages.length - 1] as UserMessage, options, true);
  if (declareTools) tools.push(...placeholderToolsFor(history, tools));
  if (tools.length > 0) current.userInputMessageContext = { ...current.userInputMessageContext, tools };
  if (conversation.responseFormat) current.content = joinText(current.content, responseFormatInstruction(conversation.responseFormat));
  if (options.thinkingBudget !== undefined) current.content = thinkingPrefix(options.thinkingBudget) + current.content;

  const body: KiroRequestBody = {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: options.conversationId,
      currentMessage: { userInputMessage: current },
      // Omitted when empty: "API may not accept an empty array" (K2A/JW/AIC, §2.3).
      ...(history.length > 0 ? { history } : {}),
    },
    ...(options.profileArn ? { profileArn: options.profileArn } : {}),
  };
  return { body, toolNames };
}

function cloneMessage(message: ConversationMessage): ConversationMessage {
  return message.role === 'user'
    ? { ...message, images: [...message.images], toolResults: [...message.toolResults] }
    : { ...message, toolCalls: [...message.toolCalls] };
}

/** Adjacent same-role turns become one (clients send them after network trouble, §8). */
function mergeSameRole(messages: ConversationMessage[]): ConversationMessage[] {
  const merged: ConversationMessage[] = [];
  for (const message of messages) {
    const last = merged[merged.length - 1];
    if (!last || last.role !== message.role) {
      merged.push(message);
    } else if (last.role === 'user' && message.role === 'user') {
      last.text = joinText(last.text, message.text);
      last.images.push(...message.images);
      last.toolResults.push(...message.toolResults);
    } else if (last.role === 'assistant' && message.role === 'assistant') {
      last.text = joinText(last.text, message.text);
      last.toolCalls.push(...message.toolCalls);
      if (message.reasoning) last.reasoning = joinText(last.reasoning ?? '', message.reasoning);
    }
  }
  return merged;
}

/**
 * Kiro refuses tool uses or results when the request declares no tools (§2.5 #8): with no tools
 * (or `tool_choice: none`) the history's tool traffic is kept as plain text instead.
 */
function toolContentAsText(message: ConversationMessage): ConversationMessage {
  if (message.role === 'assistant') {
    if (message.toolCalls.length === 0) return message;
    const calls = message.toolCalls.map((call) => `[Tool call: ${call.name} (${call.id})]\n${JSON.stringify(call.input)}`);
    return assistantMessage(joinText(message.text, calls.join('\n\n')));
  }
  if (message.toolResults.length === 0) return message;
  const results = message.toolResults.map((result) => `[Tool result (${result.toolCallId})${result.isError ? ' error' : ''}]\n${result.text}`);
  return userMessage(joinText(results.join('\n\n'), message.text), { images: message.images });
}

/**
 * Every tool result must answer a call of the assistant turn just before it, and every call must
 * be answered in the very next user turn (§2.5 #7, §8 TOOL_USE_RESULT_MISMATCH). Orphan results
 * become text; unanswered calls get an error result.
 */
function pairToolResults(messages: ConversationMessage[]): void {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (message.role !== 'user') continue;
    const previous = messages[i - 1];
    const calls = previous?.role === 'assistant' ? previous.toolCalls : [];
    const callIds = new Set(calls.map((call) => call.id));
    const orphans = message.toolResults.filter((result) => !callIds.has(result.toolCallId));
    const seen = new Set<string>();
    message.toolResults = message.toolResults.filter((result) => {
      if (!callIds.has(result.toolCallId) || seen.has(result.toolCallId)) return false;
      seen.add(result.toolCallId);
      return true;
    });
    for (const call of calls) {
      if (!seen.has(call.id)) message.toolResults.push({ toolCallId: call.id, text: PLACEHOLDER.missingToolResult, isError: true });
    }
    if (orphans.length > 0) {
      const orphanText = orphans.map((result) => `[Tool result (${result.toolCallId})]\n${result.text}`).join('\n\n');
      message.text = joinText(orphanText, message.text);
    }
  }
}

/**
 * Tool-use ids must be unique across the whole conversation, but some clients number their calls
 * per turn (`call_1` in every turn). A reused id is renamed, together with the results answering
 * it in the next user turn.
 */
function renameReusedToolCallIds(messages: ConversationMessage[]): void {
  const seen = new Set<string>();
  // The next suffix to try per reused id: probing from _2 every time made 15,000 calls named
  // `call_x` cost 15,000²/2 lookups. Each id only ever moves its own counter forward.
  const nextSuffix = new Map<string, number>();
  messages.forEach((message, i) => {
    if (message.role !== 'assistant') return;
    const renamed = new Map<string, string>();
    message.toolCalls = message.toolCalls.map((call) => {
      if (!seen.has(call.id)) {
        seen.add(call.id);
        return call;
      }
      let n = nextSuffix.get(call.id) ?? 2;
      while (seen.has(`${call.id}_${n}`)) n++;
      nextSuffix.set(call.id, n + 1);
      const id = `${call.id}_${n}`;
      seen.add(id);
      renamed.set(call.id, id);
      return { ...call, id };
    });
    const next = messages[i + 1];
    if (renamed.size === 0 || next?.role !== 'user') return;
    next.toolResults = next.toolResults.map((result) => {
      const id = renamed.get(result.toolCallId);
      return id ? { ...result, toolCallId: id } : result;
    });
  });
}

/** System text reaches Kiro once, at the head of the first user turn (§2.4 a). */
function prependSystem(messages: ConversationMessage[], system: string): void {
  if (!system) return;
  const firstUser = messages.find((message): message is UserMessage => message.role === 'user');
  if (firstUser) firstUser.text = joinText(system, firstUser.text);
}

function toKiroUser(message: UserMessage, options: KiroBuildOptions, isCurrent: boolean): KiroUserInputMessage {
  const toolResults: KiroToolResult[] = message.toolResults.map((result) => ({
    toolUseId: result.toolCallId,
    status: result.isError ? 'error' : 'success',
    content: [{ text: result.text.trim() ? result.text : '(empty result)' }],
  }));
  let content = message.text;
  if (!content.trim()) {
    content = toolResults.length > 0 ? PLACEHOLDER.toolResultsOnly : isCurrent ? PLACEHOLDER.continue : PLACEHOLDER.emptyTurn;
  }
  const out: KiroUserInputMessage = { content, modelId: options.modelId, origin: 'AI_EDITOR' };
  if (message.images.length > 0) {
    out.images = message.images.map((image) => ({ format: image.format, source: { bytes: image.base64 } }));
  }
  if (toolResults.length > 0) out.userInputMessageContext = { toolResults };
  return out;
}

/**
 * An assistant turn; with thinking on, the reasoning a client handed back goes first in
 * `<thinking>` tags, the way the model wrote it (HK/AIC re-embed earlier reasoning, §2.5 #13), so
 * the model keeps thinking across a tool loop.
 */
function toKiroAssistant(message: AssistantMessage, toolNames: ToolNameMap, thinking: boolean): { content: string; toolUses?: KiroToolUse[] } {
  const toolUses = message.toolCalls.map((call) => ({ toolUseId: call.id, name: toolNames.kiroName(call.name), input: call.input }));
  let content = message.text.trim() ? message.text : toolUses.length > 0 ? PLACEHOLDER.assistantToolsOnly : PLACEHOLDER.emptyTurn;
  if (thinking && message.reasoning?.trim()) content = `<thinking>${message.reasoning}</thinking>\n\n${message.text.trim() ? message.text : ''}`.trimEnd() || content;
  return toolUses.length > 0 ? { content, toolUses } : { content };
}

function toKiroTool(tool: ToolDefinition, toolNames: ToolNameMap, options: KiroBuildOptions, systemParts: string[]): KiroToolSpecification {
  const name = toolNames.kiroName(tool.name);
  let description = tool.description.trim() || `Tool: ${tool.name}`;
  // Over-long descriptions are refused (§2.5 #4): the full text moves to the system prompt.
  if (description.length > options.toolDescriptionMaxLength) {
    systemParts.push(`## Tool: ${name}\n\n${description}`);
    description = `Full documentation of this tool is in the system prompt, section "## Tool: ${name}".`;
  }
  return { toolSpecification: { name, description, inputSchema: { json: repairToolSchema(tool.parameters) } } };
}

/**
 * Every tool name used in history must be declared (§2.5 #8): a tool the client has since
 * dropped gets a placeholder specification.
 */
function placeholderToolsFor(history: KiroHistoryEntry[], declared: KiroToolSpecification[]): KiroToolSpecification[] {
  const known = new Set(declared.map((tool) => tool.toolSpecification.name.toLowerCase()));
  const placeholders: KiroToolSpecification[] = [];
  for (const entry of history) {
    if (!('assistantResponseMessage' in entry)) continue;
    for (const use of entry.assistantResponseMessage.toolUses ?? []) {
      if (known.has(use.name.toLowerCase())) continue;
      known.add(use.name.toLowerCase());
      placeholders.push({
        toolSpecification: {
          name: use.name,
          description: 'A tool used earlier in this conversation that is no longer offered. Do not call it.',
          inputSchema: { json: { type: 'object', properties: {} } },
        },
      });
    }
  }
  return placeholders;
}

function toolChoiceInstruction(conversation: Conversation, toolNames: ToolNameMap): string[] {
  const choice = conversation.toolChoice;
  if (choice.type === 'required') return ['You must call at least one of the available tools in your reply.'];
  if (choice.type === 'tool') return [`You must call the tool "${toolNames.kiroName(choice.name)}" in your reply.`];
  return [];
}

function thinkingPrefix(budget: number): string {
  return (
    `<thinking_mode>enabled</thinking_mode>\n<max_thinking_length>${budget}</max_thinking_length>\n` +
    '<thinking_instruction>Think through the request inside <thinking>...</thinking> before answering.</thinking_instruction>\n\n'
  );
}

function joinText(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return `${a}\n\n${b}`;
}
