/**
 * Domain errors carry what any client needs to know, in no client's vocabulary: the kind of
 * failure, a machine-readable code, the request field at fault, and whether and when a retry
 * makes sense. Cores throw them; each API family's table (`toOpenAIError`, `toAnthropicError`)
 * turns the kind into its own status, type and code, for the exception filter and a stream's
 * final error event alike.
 */
export type ErrorKind =
  | 'invalid_request'
  /** The conversation does not fit the model (Claude Code compacts on Anthropic's wording of it). */
  | 'context_too_long'
  | 'request_too_large'
  | 'unsupported_media_type'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'rate_limited'
  | 'quota_exceeded'
  /** A client key spent its budget of Kiro credits for the day or month (no retry helps before the reset). */
  | 'budget_exceeded'
  /** Kiro failed or answered something unusable. */
  | 'upstream'
  | 'timeout'
  /** The gateway cannot serve right now (shutting down, a store it needs is down). */
  | 'unavailable'
  /** A defect of the gateway. */
  | 'internal';

/**
 * The HTTP status of each kind, the same for every family (they all speak HTTP); a family's
 * table maps the kind to its own error type and code.
 */
export const KIND_STATUS: Readonly<Record<ErrorKind, number>> = {
  invalid_request: 400,
  context_too_long: 400,
  request_too_large: 413,
  unsupported_media_type: 415,
  authentication: 401,
  permission: 403,
  not_found: 404,
  rate_limited: 429,
  quota_exceeded: 429,
  budget_exceeded: 429,
  upstream: 502,
  timeout: 504,
  unavailable: 503,
  internal: 500,
};

/** OpenAI's error `type` for each kind (its table in openai-error.ts; kept here for `GatewayError.type`). */
export const OPENAI_ERROR_TYPE: Readonly<Record<ErrorKind, string>> = {
  invalid_request: 'invalid_request_error',
  context_too_long: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  unsupported_media_type: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  quota_exceeded: 'insufficient_quota',
  budget_exceeded: 'insufficient_quota',
  upstream: 'api_error',
  timeout: 'timeout_error',
  unavailable: 'server_error',
  internal: 'server_error',
};

/**
 * Kinds of failure that asking Kiro again can fix: a cut connection, an exception frame, a
 * timeout, throttling. What every client's retry logic should see as "try again" once the
 * gateway's own retries and resumes are spent.
 */
const TRANSIENT_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['upstream', 'timeout', 'rate_limited']);

export function isTransientFailure(error: unknown): boolean {
  return error instanceof GatewayError && TRANSIENT_KINDS.has(error.kind);
}

export interface GatewayErrorOptions {
  kind: ErrorKind;
  code?: string | null;
  param?: string | null;
  /** Whether the upstream call may be retried before anything reached the client. */
  retryable?: boolean;
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = options.kind;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The HTTP status every family answers this error with. */
  get status(): number {
    return KIND_STATUS[this.kind];
  }

  /** OpenAI's name for the kind, for logs and metrics that speak OpenAI (Anthropic's table differs). */
  get type(): string {
    return OPENAI_ERROR_TYPE[this.kind];
  }
}

export class InvalidRequestError extends GatewayError {
  constructor(message: string, param: string | null = null, code: string | null = null) {
    super(message, { kind: 'invalid_request', param, code });
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
    super(message, { kind: 'request_too_large', code: 'request_too_large' });
  }
}

/** A content encoding or charset the gateway does not read. */
export class UnsupportedMediaTypeError extends GatewayError {
  constructor(message: string, code: 'unsupported_encoding' | 'unsupported_charset') {
    super(message, { kind: 'unsupported_media_type', code });
  }
}

/** Too many wrong keys from one client address: it must wait before trying again. */
export class AuthBackoffError extends GatewayError {
  constructor(retryAfterSeconds: number) {
    super(`Too many failed authentication attempts from this address. Try again in ${retryAfterSeconds} s.`, {
      kind: 'rate_limited',
      code: 'too_many_auth_failures',
      retryAfterSeconds,
    });
  }
}

export class AuthenticationError extends GatewayError {
  constructor(message = 'Invalid or missing API key. Send it as "Authorization: Bearer <PROXY_API_KEY>".') {
    super(message, { kind: 'authentication', code: 'invalid_api_key' });
  }
}

export class PermissionDeniedError extends GatewayError {
  constructor(message: string, code: string | null = 'permission_denied') {
    super(message, { kind: 'permission', code });
  }
}

export class NotFoundError extends GatewayError {
  constructor(message: string, code: string | null = 'not_found', param: string | null = null) {
    super(message, { kind: 'not_found', code, param });
  }
}

export class ContextTooLongError extends GatewayError {
  constructor(message: string) {
    super(message, { kind: 'context_too_long', code: 'context_length_exceeded', param: 'messages' });
  }
}

export class UpstreamThrottledError extends GatewayError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(message, { kind: 'rate_limited', code: 'rate_limit_exceeded', retryable: true, retryAfterSeconds });
  }
}

export class QuotaExceededError extends GatewayError {
  constructor(message: string) {
    super(message, { kind: 'quota_exceeded', code: 'insufficient_quota' });
  }
}

export class UpstreamAuthError extends GatewayError {
  constructor(message: string, kind: 'authentication' | 'permission', code: string) {
    super(message, { kind, code });
  }
}

export class UpstreamError extends GatewayError {
  constructor(message: string, options: { retryable: boolean; code?: string; cause?: unknown }) {
    super(message, { kind: 'upstream', code: options.code ?? 'upstream_error', retryable: options.retryable, cause: options.cause });
  }
}

export class UpstreamTimeoutError extends GatewayError {
  constructor(message: string, code = 'upstream_timeout') {
    super(message, { kind: 'timeout', code, retryable: true });
  }
}

/** The Kiro credentials of the gateway (or of a tenant) are missing or no longer refreshable. */
export class CredentialsError extends GatewayError {
  constructor(message: string) {
    super(message, { kind: 'authentication', code: 'kiro_credentials_invalid' });
  }
}

/** The gateway is stopping: a stream still running after the grace period is cut short. */
export class ShuttingDownError extends GatewayError {
  constructor(message: string) {
    super(message, { kind: 'unavailable', code: 'shutting_down' });
  }
}

/** A defect: e.g. a route that reads the caller but has no guard to establish one. */
export class InternalError extends GatewayError {
  constructor(message: string) {
    super(message, { kind: 'internal', code: 'internal_error' });
  }
}

/** The client went away before an answer could be sent: nothing is to be written or logged. */
export class ClientAbortedError extends Error {
  constructor() {
    super('The client closed the request');
    this.name = 'ClientAbortedError';
  }
}
