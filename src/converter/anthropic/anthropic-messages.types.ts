/** Anthropic Messages API response shapes, as the gateway emits them. */
export type AnthropicStopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'model_context_window_exceeded' | 'pause_turn';

export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  /** A tool the API ran itself: here the gateway's web search (kiro-protocol.md §9.7). */
  | { type: 'server_tool_use'; id: string; name: 'web_search'; input: Record<string, unknown> }
  | { type: 'web_search_tool_result'; tool_use_id: string; content: AnthropicWebSearchResult[] | AnthropicWebSearchError };

export interface AnthropicWebSearchResult {
  type: 'web_search_result';
  title: string;
  url: string;
  /** Opaque to clients; they send it back in history. */
  encrypted_content: string;
  page_age: string | null;
}

export interface AnthropicWebSearchError {
  type: 'web_search_tool_result_error';
  error_code: 'invalid_tool_input' | 'unavailable' | 'max_uses_exceeded' | 'too_many_requests' | 'query_too_long' | 'request_too_large';
}

export interface AnthropicUsage {
  /** Uncached input only, as in Anthropic's API: cache reads and writes are counted apart. */
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  /** Searches the gateway ran for this message (only on requests with a web search tool). */
  server_tool_use?: { web_search_requests: number };
  /** Kiro credits the request spent (the gateway's extension, named as in its chat completions). */
  credits_used?: number;
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

export type AnthropicDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'input_json_delta'; partial_json: string };

export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'ping' }
  | { type: 'content_block_start'; index: number; content_block: AnthropicContentBlock }
  | { type: 'content_block_delta'; index: number; delta: AnthropicDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: AnthropicStopReason; stop_sequence: string | null }; usage: AnthropicUsage }
  | { type: 'message_stop' };

/** Identity shared by every event of one response. */
export interface AnthropicMessageMeta {
  id: string;
  model: string;
  /** Input tokens known before Kiro reports any (a local count). */
  inputTokensEstimate: () => number;
  /** `thinking.display: "omitted"`: thinking blocks come back without their text. */
  omitThinkingText?: boolean;
}
