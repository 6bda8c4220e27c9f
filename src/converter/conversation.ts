/**
 * The gateway's own conversation model: what every front end (OpenAI chat, Anthropic messages,
 * Responses) maps its request to, and the only input of the Kiro request builder. Nothing here
 * is any one client's shape.
 */
export interface Conversation {
  /** System and developer text, in order; reaches Kiro once (kiro-protocol.md §2.4). */
  system: string[];
  messages: ConversationMessage[];
  tools: ToolDefinition[];
  toolChoice: ToolChoice;
  /** Thinking asked for by this call; absent means the configured default (FAKE_REASONING). */
  thinking?: ThinkingRequest;
  /** Anthropic `thinking.display`: `omitted` asks native reasoning for the signature without the text. */
  thinkingDisplay?: ThinkingDisplay;
  /** The answer ends where one of these appears (applied by the gateway: Kiro has none). */
  stopSequences?: string[];
  /** Structured output the client asked for; absent means free text. */
  responseFormat?: ResponseFormat;
  /**
   * Prompt-cache checkpoints the client asked for after the system text and the tools (Anthropic
   * `cache_control`, §9.6). Absent for APIs that cannot mark them (OpenAI chat, Responses): the
   * gateway then places them as Kiro's own clients do (after the tools, the system text's turn and
   * the newest turn).
   */
  cacheCheckpoints?: { system: boolean; tools: boolean };
  /** The client's web search tool, run by the gateway through Kiro's MCP endpoint (kiro-protocol.md §9.7). */
  webSearch?: WebSearchRequest;
}

/**
 * A web search tool the gateway runs itself: Kiro sees it as the function tool `toolName`
 * (declared among `tools`), and each call of it is searched and answered by the gateway, which
 * then continues the turn.
 */
export interface WebSearchRequest {
  toolName: string;
  /** Searches allowed in this response (Anthropic `max_uses`); absent: WEB_SEARCH_MAX_ROUNDS bounds them. */
  maxUses?: number;
  /** Search this before the model answers (Claude Code's WebSearch side query names its query in the prompt). */
  leadQuery?: string;
  /** Only hits on these domains (and their subdomains) are kept; `blockedDomains` are dropped. */
  allowedDomains?: string[];
  blockedDomains?: string[];
}

/** A JSON answer: any object, or one that conforms to a JSON Schema. */
export type ResponseFormat = { kind: 'json_object' } | { kind: 'json_schema'; schema: Record<string, unknown>; name?: string; description?: string };

export type ThinkingEffort = 'low' | 'medium' | 'high' | 'max';

export type ThinkingDisplay = 'summarized' | 'omitted';

/**
 * What a native-reasoning model thought on an earlier turn, as it signed it (or redacted it),
 * handed back so it keeps thinking across tool turns (kiro-protocol.md §9.5).
 */
export type SignedReasoning = { text: string; signature: string } | { redacted: string };

/** How much thinking a client asked for, in its own terms; resolved to a budget in one place. */
export type ThinkingRequest = { kind: 'off' } | { kind: 'budget'; tokens: number } | { kind: 'effort'; effort: ThinkingEffort };

export type ConversationMessage = UserMessage | AssistantMessage;

export interface UserMessage {
  role: 'user';
  text: string;
  images: ImageInput[];
  toolResults: ToolResult[];
  /** The client asked for a prompt-cache checkpoint after this turn (Anthropic `cache_control`, §9.6). */
  cacheCheckpoint?: boolean;
}

export interface AssistantMessage {
  role: 'assistant';
  text: string;
  toolCalls: ToolCall[];
  /** What the model thought before this turn, when a client hands it back (Responses reasoning items). */
  reasoning?: string;
  /** Native reasoning with its signature; only this reaches a native-reasoning model (unsigned text is dropped). */
  signedReasoning?: SignedReasoning;
  /** The client asked for a prompt-cache checkpoint after this turn (Anthropic `cache_control`, §9.6). */
  cacheCheckpoint?: boolean;
}

export interface ImageInput {
  format: 'png' | 'jpeg' | 'gif' | 'webp';
  /** Base64, without any `data:` prefix. */
  base64: string;
}

export interface ToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResult {
  toolCallId: string;
  text: string;
  isError: boolean;
}

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export function userMessage(text: string, extra: Partial<Omit<UserMessage, 'role' | 'text'>> = {}): UserMessage {
  return { role: 'user', text, images: extra.images ?? [], toolResults: extra.toolResults ?? [] };
}

export function assistantMessage(text: string, toolCalls: ToolCall[] = []): AssistantMessage {
  return { role: 'assistant', text, toolCalls };
}
