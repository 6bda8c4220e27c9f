/** OpenAI Responses API shapes, as the gateway emits them (the parts clients read). */
export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';
export type IncompleteReason = 'max_output_tokens' | 'content_filter';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export type ResponseOutputItem =
  /** `encrypted_content` when the request included `reasoning.encrypted_content`. */
  | { id: string; type: 'reasoning'; summary: Array<{ type: 'summary_text'; text: string }>; encrypted_content?: string }
  | { id: string; type: 'message'; status: ItemStatus; role: 'assistant'; content: OutputText[] }
  /** `namespace`: the tool's namespace, which Codex routes the call by together with `name`. */
  | { id: string; type: 'function_call'; status: ItemStatus; call_id: string; name: string; namespace?: string; arguments: string }
  /** A call of a freeform (`custom`) tool: its raw input. */
  | { id: string; type: 'custom_tool_call'; status: ItemStatus; call_id: string; name: string; namespace?: string; input: string }
  /** A search the gateway ran (kiro-protocol.md §9.7); `failed` when it was not run (the search limit). */
  | { id: string; type: 'web_search_call'; status: 'in_progress' | 'searching' | 'completed' | 'failed'; action: WebSearchAction };

export interface WebSearchAction {
  type: 'search';
  query: string;
  /** What the search found (OpenAI sends it with `include: ["web_search_call.action.sources"]`; clients ignore it otherwise). */
  sources?: Array<{ type: 'url'; url: string }>;
}

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** Kiro credits the request spent (the gateway's extension, named as in its chat completions). */
  credits_used?: number;
}

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: IncompleteReason } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponseOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  /** The request's `text` settings: `format` is `{type: "text"}` unless structured output was asked for. */
  text: { format: Record<string, unknown> } & Record<string, unknown>;
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

/** Every streamed event carries `type` and a `sequence_number` (added by the renderer). */
export type ResponseStreamEvent = { type: string; sequence_number: number } & Record<string, unknown>;

/** What the response object echoes from the request, fixed before the first event. */
export type ResponseEcho = Omit<ResponseObject, 'id' | 'object' | 'created_at' | 'status' | 'error' | 'incomplete_details' | 'output' | 'usage' | 'model'>;
