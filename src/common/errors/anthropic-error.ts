import { classifyError } from './classify';
import { type ErrorKind, isTransientFailure } from './gateway-error';
import { retryHeaders } from './openai-error';

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

/** Anthropic's error types by kind (https://docs.anthropic.com/en/api/errors). */
const ANTHROPIC_ERROR_TYPE: Readonly<Record<ErrorKind, string>> = {
  invalid_request: 'invalid_request_error',
  context_too_long: 'invalid_request_error',
  request_too_large: 'request_too_large',
  unsupported_media_type: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  rate_limited: 'rate_limit_error',
  quota_exceeded: 'rate_limit_error',
  budget_exceeded: 'rate_limit_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
  unavailable: 'overloaded_error',
  internal: 'api_error',
};

/**
 * Anthropic's table: the same classification as OpenAI's, in Anthropic's types. A context
 * overflow says "prompt is too long": Claude Code matches that text to compact the conversation.
 */
export function toAnthropicError(err: unknown): RenderedAnthropicError {
  const error = classifyError(err);
  const message = error.kind === 'context_too_long' ? `prompt is too long: ${error.message}` : error.message;
  return {
    status: error.status,
    body: { type: 'error', error: { type: ANTHROPIC_ERROR_TYPE[error.kind], message } },
    headers: retryHeaders(error),
    expected: error.expected,
  };
}

/**
 * The `error` event that ends a stream Kiro failed after it started, once the gateway's own
 * resumes are spent. A transient failure (a cut, an exception frame, throttling, a timeout) is
 * `overloaded_error`: the one error type Claude Code and the Anthropic SDKs retry when it comes
 * inside a stream (the status is already 200). Anything else keeps its own type.
 */
export function toAnthropicStreamError(err: unknown): AnthropicErrorBody {
  const { body } = toAnthropicError(err);
  if (!isTransientFailure(err)) return body;
  return { type: 'error', error: { type: 'overloaded_error', message: body.error.message } };
}
