import { type ClassifiedError, classifyError } from './classify';
import { type ErrorKind, OPENAI_ERROR_TYPE } from './gateway-error';

/** OpenAI's error envelope, the only error shape the OpenAI-facing routes ever answer with. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface RenderedError {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
  /** False for errors the gateway did not anticipate (worth a stack trace in the log). */
  expected: boolean;
}

/** OpenAI's table: anything thrown, as an OpenAI client sees it (the kind's `type`, the error's code). */
export function toOpenAIError(err: unknown): RenderedError {
  const error = classifyError(err);
  return {
    status: error.status,
    body: envelope(error.message, OPENAI_ERROR_TYPE[error.kind], error.param, error.code),
    headers: retryHeaders(error),
    expected: error.expected,
  };
}

/**
 * Whether the OpenAI and Anthropic SDKs should retry, said outright: both obey `x-should-retry`
 * before their own status rules. Throttling, a cut or failed upstream, a timeout, a draining
 * replica: yes. Spent quota (a 429 that no retry within minutes fixes) and the client's own
 * mistakes: no. An unanticipated internal error is left to the client's defaults.
 */
const SHOULD_RETRY: Readonly<Record<ErrorKind, 'true' | 'false' | undefined>> = {
  invalid_request: 'false',
  context_too_long: 'false',
  request_too_large: 'false',
  unsupported_media_type: 'false',
  authentication: 'false',
  permission: 'false',
  not_found: 'false',
  rate_limited: 'true',
  quota_exceeded: 'false',
  budget_exceeded: 'false',
  upstream: 'true',
  timeout: 'true',
  unavailable: 'true',
  internal: undefined,
};

/** The retry headers of an error response: `x-should-retry`, and `Retry-After` when known. */
export function retryHeaders(error: ClassifiedError): Record<string, string> {
  const shouldRetry = SHOULD_RETRY[error.kind];
  return { ...(shouldRetry ? { 'x-should-retry': shouldRetry } : {}), ...retryAfterHeaders(error.retryAfterSeconds) };
}

/** `Retry-After` in whole seconds (at least 1), when the error says when to come back. */
function retryAfterHeaders(retryAfterSeconds: number | undefined): Record<string, string> {
  return retryAfterSeconds === undefined ? {} : { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
}

export function envelope(message: string, type: string, param: string | null, code: string | null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}
