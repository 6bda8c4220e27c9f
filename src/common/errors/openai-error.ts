import { HttpException } from '@nestjs/common';
import { GatewayError } from './gateway-error';

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

/** body-parser reports its failures as errors carrying `type` and `status`. */
interface BodyParserError {
  type: string;
  status?: number;
  statusCode?: number;
  message?: string;
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** The one table from anything thrown to what a client sees. */
export function toOpenAIError(err: unknown): RenderedError {
  if (err instanceof GatewayError) {
    const headers: Record<string, string> = {};
    if (err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
    return { status: err.status, body: envelope(err.message, err.type, err.param, err.code), headers, expected: true };
  }
  if (err instanceof HttpException) return fromHttpException(err);
  if (isBodyParserError(err)) return fromBodyParserError(err);
  if (isClientHttpError(err)) {
    // http-errors from the body pipeline (a corrupt gzip/deflate body, …): the client's fault.
    const status = err.status ?? err.statusCode ?? 400;
    return { status, body: envelope(err.expose && err.message ? err.message : 'The request could not be read.', typeFor(status), null, null), headers: {}, expected: true };
  }
  return {
    status: 500,
    body: envelope('The gateway failed unexpectedly while handling this request.', 'server_error', null, 'internal_error'),
    headers: {},
    expected: false,
  };
}

function fromHttpException(err: HttpException): RenderedError {
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
  // Express's "Cannot GET /x" for unmatched routes, in OpenAI's words.
  const unknownRoute = status === 404 ? /^Cannot (\w+) (\S+)$/.exec(message) : null;
  if (unknownRoute) message = `Unknown request URL: ${unknownRoute[1]} ${unknownRoute[2]}. Please check the URL for typos.`;
  return { status, body: envelope(message, typeFor(status), null, code), headers: {}, expected: status < 500 };
}

function fromBodyParserError(err: BodyParserError): RenderedError {
  const status = err.status ?? err.statusCode ?? 400;
  const messages: Record<string, string> = {
    'entity.parse.failed': 'We could not parse the JSON body of your request. Send valid JSON with Content-Type: application/json.',
    'entity.too.large': 'The request body is larger than this gateway accepts (BODY_LIMIT).',
    'encoding.unsupported': 'The request body uses an unsupported content encoding.',
    'charset.unsupported': 'The request body uses an unsupported charset; send UTF-8.',
    'request.aborted': 'The request was aborted while its body was being read.',
    'entity.too.deep': 'The JSON body is nested too deeply.',
  };
  const code = err.type === 'entity.too.large' ? 'request_too_large' : err.type === 'entity.parse.failed' ? 'invalid_json' : null;
  return { status, body: envelope(messages[err.type] ?? 'The request body could not be read.', typeFor(status), null, code), headers: {}, expected: true };
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as BodyParserError).type === 'string' &&
    /^(entity|encoding|charset|request|stream)\./.test((err as BodyParserError).type)
  );
}

function isClientHttpError(err: unknown): err is { status?: number; statusCode?: number; expose?: boolean; message?: string } {
  if (typeof err !== 'object' || err === null) return false;
  const status = (err as { status?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function typeFor(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
}

export function envelope(message: string, type: string, param: string | null, code: string | null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}
