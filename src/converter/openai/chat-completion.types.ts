/** OpenAI's chat-completion response shapes, as the gateway emits them. */
export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Only when Kiro reported its prompt cache (kiro-protocol.md §9.6). */
  prompt_tokens_details?: { cached_tokens: number };
  /** Kiro credits spent (non-standard, as in the Python service). */
  credits_used?: number;
}

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: null;
  choices: Array<{
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      reasoning_content?: string;
      tool_calls?: ChatToolCall[];
      refusal: null;
    };
    logprobs: null;
    finish_reason: ChatFinishReason;
  }>;
  usage: ChatCompletionUsage;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: null;
  choices: Array<{
    index: 0;
    delta: { role?: 'assistant'; content?: string; reasoning_content?: string; tool_calls?: ChatToolCallDelta[] };
    logprobs: null;
    finish_reason: ChatFinishReason | null;
  }>;
  usage?: ChatCompletionUsage | null;
}

/** Identity shared by every chunk of one response. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
}
