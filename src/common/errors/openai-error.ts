import { classifyError } from './classify';
import { OPENAI_ERROR_TYPE } from './gateway-error';

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
    headers: retryAfterHeaders(error.retryAfterSeconds),
    expected: error.expected,
  };
}

/** `Retry-After` in whole seconds (at least 1), when the error says when to come back. */
export function retryAfterHeaders(retryAfterSeconds: number | undefined): Record<string, string> {
  return retryAfterSeconds === undefined ? {} : { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
}

export function envelope(message: string, type: string, param: string | null, code: string | null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}
