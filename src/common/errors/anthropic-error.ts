import { toOpenAIError } from './openai-error';

/** Anthropic's error body: `{"type": "error", "error": {"type", "message"}}`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

export interface RenderedAnthropicError {
  status: number;
  body: AnthropicErrorBody;
  headers: Record<string, string>;
  expected: boolean;
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/**
 * The same table as the OpenAI envelope (one classification of every error), rendered the way
 * Anthropic clients expect. A context overflow says "prompt is too long": Claude Code matches
 * that text to compact the conversation.
 */
export function toAnthropicError(err: unknown): RenderedAnthropicError {
  const openai = toOpenAIError(err);
  const { code } = openai.body.error;
  let message = openai.body.error.message;
  if (code === 'context_length_exceeded') message = `prompt is too long: ${message}`;
  const type = TYPE_BY_STATUS[openai.status] ?? (openai.status >= 500 ? 'api_error' : 'invalid_request_error');
  return { status: openai.status, body: { type: 'error', error: { type, message } }, headers: openai.headers, expected: openai.expected };
}
