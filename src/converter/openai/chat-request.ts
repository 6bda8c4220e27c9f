/**
 * The parts of an OpenAI chat-completions request the converter reads. Messages and tools stay
 * `unknown` here: they are checked field by field in {@link ./openai-to-conversation}, so that
 * every malformed one gets a 400 that names it.
 */
export interface ChatCompletionRequest {
  model: string;
  messages: unknown[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  user?: string;
  seed?: number | null;
  response_format?: unknown;
  parallel_tool_calls?: boolean;
  tools?: unknown[] | null;
  tool_choice?: unknown;
  /** Deprecated OpenAI function calling, still sent by older clients. */
  functions?: unknown[] | null;
  function_call?: unknown;
  reasoning_effort?: string | null;
}
