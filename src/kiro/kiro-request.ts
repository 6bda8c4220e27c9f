/**
 * The body of `generateAssistantResponse` (kiro-protocol.md §2.3). Only what the gateway sends;
 * every field is Kiro's, none is any client's.
 */
export interface KiroRequestBody {
  conversationState: {
    chatTriggerType: 'MANUAL';
    conversationId: string;
    currentMessage: { userInputMessage: KiroUserInputMessage };
    history?: KiroHistoryEntry[];
  };
  profileArn?: string;
  /** Native reasoning (kiro-protocol.md §9.5): only members the model's catalog schema lists. */
  additionalModelRequestFields?: Record<string, unknown>;
}

export type KiroHistoryEntry = { userInputMessage: KiroUserInputMessage } | { assistantResponseMessage: KiroAssistantResponseMessage };

export interface KiroUserInputMessage {
  content: string;
  modelId: string;
  origin: 'AI_EDITOR';
  /** Directly on the message, never inside the context (kiro-protocol.md §2.3). */
  images?: KiroImage[];
  /** A prompt-cache checkpoint after this message (§9.6), on models whose catalog entry offers caching. */
  cachePoint?: KiroCachePoint;
  userInputMessageContext?: {
    /** The tools, and at most one cache checkpoint after them (§9.6). */
    tools?: Array<KiroToolSpecification | { cachePoint: KiroCachePoint }>;
    toolResults?: KiroToolResult[];
  };
}

export interface KiroAssistantResponseMessage {
  content: string;
  toolUses?: KiroToolUse[];
  /** The turn's signed (or redacted) native reasoning, handed back (§9.5). */
  reasoningContent?: { reasoningText: { text: string; signature: string } } | { redactedContent: string };
  cachePoint?: KiroCachePoint;
}

/** Kiro's (Bedrock's) one kind of prompt-cache checkpoint. */
export interface KiroCachePoint {
  type: 'default';
}

export interface KiroImage {
  format: 'png' | 'jpeg' | 'gif' | 'webp';
  source: { bytes: string };
}

export interface KiroToolSpecification {
  toolSpecification: {
    name: string;
    description: string;
    inputSchema: { json: Record<string, unknown> };
  };
}

export interface KiroToolUse {
  toolUseId: string;
  name: string;
  input: Record<string, unknown>;
}

export interface KiroToolResult {
  toolUseId: string;
  status: 'success' | 'error';
  content: Array<{ text: string }>;
}
