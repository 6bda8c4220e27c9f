/**
 * Domain errors carry everything a client needs to know: the HTTP status, OpenAI's error `type`
 * and `code`, and whether and when a retry makes sense. Cores throw them; `toOpenAIError`
 * renders them (for the exception filter and for a stream's final error event alike).
 */
export interface GatewayErrorOptions {
  status: number;
  type: string;
  code?: string | null;
  param?: string | null;
  /** Whether the upstream call may be retried before anything reached the client. */
  retryable?: boolean;
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.type = options.type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class InvalidRequestError extends GatewayError {
  constructor(message: string, param: string | null = null, code: string | null = null) {
    super(message, { status: 400, type: 'invalid_request_error', param, code });
  }
}

/**
 * A request over one of the gateway's documented bounds (tools, messages, content blocks, stop
 * sequences, image bytes, JSON size): checked before any heavy work, and the message names the
 * bound and its setting.
 */
export class RequestBoundError extends InvalidRequestError {
  constructor(message: string, param: string | null) {
    super(message, param, 'request_bound_exceeded');
  }
}

/** The body is larger than BODY_LIMIT, or inflates beyond it or beyond the allowed ratio. */
export class PayloadTooLargeError extends GatewayError {
  constructor(message: string) {
    super(message, { status: 413, type: 'invalid_request_error', code: 'request_too_large' });
  }
}

/** A content encoding or charset the gateway does not read. */
export class UnsupportedMediaTypeError extends GatewayError {
  constructor(message: string, code: 'unsupported_encoding' | 'unsupported_charset') {
    super(message, { status: 415, type: 'invalid_request_error', code });
  }
}

/** Too many wrong keys from one client address: it must wait before trying again. */
export class AuthBackoffError extends GatewayError {
  constructor(retryAfterSeconds: number) {
    super(`Too many failed authentication attempts from this address. Try again in ${retryAfterSeconds} s.`, {
      status: 429,
      type: 'rate_limit_error',
      code: 'too_many_auth_failures',
      retryAfterSeconds,
    });
  }
}

export class AuthenticationError extends GatewayError {
  constructor(message = 'Invalid or missing API key. Send it as "Authorization: Bearer <PROXY_API_KEY>".') {
    super(message, { status: 401, type: 'authentication_error', code: 'invalid_api_key' });
  }
}

export class NotFoundError extends GatewayError {
  constructor(message: string, code: string | null = 'not_found', param: string | null = null) {
    super(message, { status: 404, type: 'invalid_request_error', code, param });
  }
}

export class ContextTooLongError extends GatewayError {
  constructor(message: string) {
    super(message, { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' });
  }
}

export class UpstreamThrottledError extends GatewayError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(message, { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryable: true, retryAfterSeconds });
  }
}

export class QuotaExceededError extends GatewayError {
  constructor(message: string) {
    super(message, { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' });
  }
}

export class UpstreamAuthError extends GatewayError {
  constructor(message: string, status: 401 | 403, code: string) {
    super(message, { status, type: status === 401 ? 'authentication_error' : 'permission_error', code });
  }
}

export class UpstreamError extends GatewayError {
  constructor(message: string, options: { retryable: boolean; status?: number; code?: string; cause?: unknown }) {
    super(message, { status: options.status ?? 502, type: 'api_error', code: options.code ?? 'upstream_error', retryable: options.retryable, cause: options.cause });
  }
}

export class UpstreamTimeoutError extends GatewayError {
  constructor(message: string) {
    super(message, { status: 504, type: 'timeout_error', code: 'upstream_timeout', retryable: true });
  }
}

/** The Kiro credentials of the gateway (or of a tenant) are missing or no longer refreshable. */
export class CredentialsError extends GatewayError {
  constructor(message: string) {
    super(message, { status: 401, type: 'authentication_error', code: 'kiro_credentials_invalid' });
  }
}

/** The gateway is stopping: a stream still running after the grace period is cut short. */
export class ShuttingDownError extends GatewayError {
  constructor(message: string) {
    super(message, { status: 503, type: 'server_error', code: 'shutting_down' });
  }
}

/** The client went away before an answer could be sent: nothing is to be written or logged. */
export class ClientAbortedError extends Error {
  constructor() {
    super('The client closed the request');
    this.name = 'ClientAbortedError';
  }
}
