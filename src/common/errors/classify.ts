import { HttpException } from '@nestjs/common';
import { type ErrorKind, GatewayError, KIND_STATUS } from './gateway-error';

/**
 * Anything thrown, in no family's vocabulary: what each family's table (OpenAI's, Anthropic's)
 * renders. Gateway errors carry their kind; framework errors (Nest's HttpException, Fastify's own
 * client errors such as a malformed URL) keep their own status and get the kind it stands for.
 */
export interface ClassifiedError {
  kind: ErrorKind;
  status: number;
  message: string;
  code: string | null;
  param: string | null;
  retryAfterSeconds: number | undefined;
  /** False for errors the gateway did not anticipate (worth a stack trace in the log). */
  expected: boolean;
}

const KIND_BY_STATUS: Readonly<Record<number, ErrorKind>> = {
  401: 'authentication',
  403: 'permission',
  404: 'not_found',
  413: 'request_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof GatewayError) {
    return { kind: err.kind, status: KIND_STATUS[err.kind], message: err.message, code: err.code, param: err.param, retryAfterSeconds: err.retryAfterSeconds, expected: true };
  }
  if (err instanceof HttpException) return fromHttpException(err);
  if (isClientHttpError(err)) {
    // An error with a client status (Fastify's own: a malformed URL, …): the client's fault. Fastify's
    // messages are written for clients; others are shown only when marked so (`expose`).
    const status = err.status ?? err.statusCode ?? 400;
    const readable = (err.expose || isFastifyError(err)) && err.message;
    return framework(status, readable ? err.message! : 'The request could not be read.', null, true);
  }
  return framework(500, 'The gateway failed unexpectedly while handling this request.', 'internal_error', false);
}

/** The kind an HTTP status stands for, for errors that come with a status and no kind. */
export function kindForStatus(status: number): ErrorKind {
  return KIND_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'invalid_request');
}

function framework(status: number, message: string, code: string | null, expected: boolean): ClassifiedError {
  return { kind: kindForStatus(status), status, message, code, param: null, retryAfterSeconds: undefined, expected };
}

function fromHttpException(err: HttpException): ClassifiedError {
  const status = err.getStatus();
  const response = err.getResponse();
  let message = err.message;
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const raw = (response as { message: unknown }).message;
    message = Array.isArray(raw) ? raw.join('; ') : String(raw);
  } else if (typeof response === 'string') {
    message = response;
  }
  const code = status === 404 ? 'not_found' : status === 413 ? 'request_too_large' : null;
  // Nest's "Cannot GET /x" for unmatched routes, in OpenAI's words.
  const unknownRoute = status === 404 ? /^Cannot (\w+) (\S+)$/.exec(message) : null;
  if (unknownRoute) message = `Unknown request URL: ${unknownRoute[1]} ${unknownRoute[2]}. Please check the URL for typos.`;
  return framework(status, message, code, status < 500);
}

function isFastifyError(err: object): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('FST_ERR_');
}

function isClientHttpError(err: unknown): err is { status?: number; statusCode?: number; expose?: boolean; message?: string } {
  if (typeof err !== 'object' || err === null) return false;
  const status = (err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
