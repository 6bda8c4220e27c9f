import type {
  KiroAssistantResponseMessage,
  KiroCachePoint,
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
  /**
   * Native reasoning (§9.5): the fields sent as they are, and whether the model thinks, in which
   * case signed reasoning goes back in history. Never together with `thinkingBudget`.
   */
  native?: { fields: Record<string, unknown> | undefined; thinking: boolean };
  /**
   * The model's catalog entry offers prompt caching with at most this many checkpoints per request
   * (§9.6): the client's checkpoints are passed as `cachePoint`s. Undefined: none is sent.
   */
  cacheCheckpoints?: number;
}

const CACHE_POINT: KiroCachePoint = { type: 'default' };

export interface KiroBuildResult {
  body: KiroRequestBody;
  /** Maps the tool names Kiro will answer with back to the client's. */
  toolNames: ToolNameMap;
  /** How many prompt-cache checkpoints the body carries (§9.6). */
  cachePoints: number;
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
  // In name order, whatever order the client lists them in: the prompt's prefix stays the same
  // from turn to turn, so Kiro's prompt cache can serve it (§9.6).
  const tools = declareTools ? byName(conversation.tools).map((tool) => toKiroTool(tool, toolNames, options, systemParts)) : [];
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
  const marks = conversation.cacheCheckpoints ?? { system: true, tools: true };
  // Without the client's marks (APIs that have none), the newest turn is the one to cache after.
  if (!conversation.cacheCheckpoints) messages[messages.length - 1].cacheCheckpoint = true;
  prependSystem(messages, systemParts.filter((part) => part.trim()).join('\n\n'), marks.system);
  const checkpoints = cacheCheckpointsOf(messages, declareTools && marks.tools, options.cacheCheckpoints);

  const history: KiroHistoryEntry[] = messages.slice(0, -1).map((message, i) =>
    message.role === 'user'
      ? { userInputMessage: withCachePoint(toKiroUser(message, options, false), checkpoints.messages.has(i)) }
      : { assistantResponseMessage: withCachePoint(toKiroAssistant(message, toolNames, options), checkpoints.messages.has(i)) },
  );
  const current = withCachePoint(toKiroUser(messages[messages.length - 1] as UserMessage, options, true), checkpoints.messages.has(messages.length - 1));
  if (declareTools) tools.push(...placeholderToolsFor(history, tools));
  if (tools.length > 0) current.userInputMessageContext = { ...current.userInputMessageContext, tools: checkpoints.tools ? [...tools, { cachePoint: CACHE_POINT }] : tools };
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
    ...(options.native?.fields ? { additionalModelRequestFields: options.native.fields } : {}),
  };
  return { body, toolNames, cachePoints: (checkpoints.tools ? 1 : 0) + checkpoints.messages.size };
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
      // Kiro takes one reasoning block per turn, and a signature covers exactly its own text.
      last.signedReasoning ??= message.signedReasoning;
    }
    if (last && last.role === message.role && message.cacheCheckpoint) last.cacheCheckpoint = true;
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
    const flattened = assistantMessage(joinText(message.text, calls.join('\n\n')));
    return message.signedReasoning ? { ...flattened, signedReasoning: message.signedReasoning } : flattened;
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

/**
 * System text reaches Kiro once, at the head of the first user turn (§2.4 a); a checkpoint after
 * the system text is one after that turn.
 */
function prependSystem(messages: ConversationMessage[], system: string, checkpoint: boolean): void {
  if (!system) return;
  const firstUser = messages.find((message): message is UserMessage => message.role === 'user');
  if (!firstUser) return;
  firstUser.text = joinText(system, firstUser.text);
  if (checkpoint) firstUser.cacheCheckpoint = true;
}

function byName(tools: readonly ToolDefinition[]): ToolDefinition[] {
  return [...tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The checkpoints sent, within the model's limit (§9.6): after the tools first, then the turns
 * from the latest back (the longest prefix is the one the next turn reads). None when the model
 * offers no prompt caching.
 */
function cacheCheckpointsOf(messages: readonly ConversationMessage[], afterTools: boolean, limit: number | undefined): { tools: boolean; messages: Set<number> } {
  const marked = { tools: false, messages: new Set<number>() };
  if (limit === undefined) return marked;
  let left = limit;
  if (afterTools && left > 0) {
    marked.tools = true;
    left--;
  }
  for (let i = messages.length - 1; i >= 0 && left > 0; i--) {
    if (!messages[i].cacheCheckpoint) continue;
    marked.messages.add(i);
    left--;
  }
  return marked;
}

function withCachePoint<T extends { cachePoint?: KiroCachePoint }>(message: T, checkpoint: boolean): T {
  if (checkpoint) message.cachePoint = CACHE_POINT;
  return message;
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
 * An assistant turn. With native thinking, the turn's signed (or redacted) reasoning goes back as
 * `reasoningContent` and unsigned reasoning is dropped (Kiro refuses it, §9.5). With fake
 * thinking, the reasoning a client handed back goes first in `<thinking>` tags, the way the model
 * wrote it (HK/AIC re-embed earlier reasoning, §2.5 #13). Either way the model keeps thinking
 * across a tool loop.
 */
function toKiroAssistant(message: AssistantMessage, toolNames: ToolNameMap, options: KiroBuildOptions): KiroAssistantResponseMessage {
  const toolUses = message.toolCalls.map((call) => ({ toolUseId: call.id, name: toolNames.kiroName(call.name), input: call.input }));
  let content = message.text.trim() ? message.text : toolUses.length > 0 ? PLACEHOLDER.assistantToolsOnly : PLACEHOLDER.emptyTurn;
  if (options.thinkingBudget !== undefined && message.reasoning?.trim()) {
    content = `<thinking>${message.reasoning}</thinking>\n\n${message.text.trim() ? message.text : ''}`.trimEnd() || content;
  }
  const out: KiroAssistantResponseMessage = toolUses.length > 0 ? { content, toolUses } : { content };
  const signed = options.native?.thinking ? message.signedReasoning : undefined;
  if (signed) out.reasoningContent = 'redacted' in signed ? { redactedContent: signed.redacted } : { reasoningText: { text: signed.text, signature: signed.signature } };
  return out;
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
