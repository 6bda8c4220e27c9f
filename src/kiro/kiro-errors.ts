import {
  ContextTooLongError,
  GatewayError,
  InvalidRequestError,
  redactSecrets,
  NotFoundError,
  QuotaExceededError,
  UpstreamAuthError,
  UpstreamError,
  UpstreamThrottledError,
  UpstreamTimeoutError,
} from '../common/errors';

/**
 * The one table from what Kiro answers to what the gateway raises (kiro-protocol.md §3.3–3.5, §8).
 * Kiro's own messages are passed on; the renderer strips anything that looks like a secret.
 */

/** Kiro's "The bearer token included in the request is invalid": a refresh fixes it. */
export class KiroTokenRejectedError extends GatewayError {
  constructor(message: string) {
    super(message, { kind: 'authentication', code: 'kiro_token_rejected' });
  }
}

/** Kiro's INVALID_MODEL_ID: this account's plan lacks the model; another account may have it (§9.1). */
export class ModelNotOnAccountError extends NotFoundError {
  constructor(message: string) {
    super(message, 'model_not_found', 'model');
  }
}

/**
 * The "suspicious activity" 429 (§9.1): a limit on the account, not on this moment. Retrying the
 * same account only extends it, so it is not retryable here; a pool cools the account and fails over.
 */
export class AccountThrottledError extends GatewayError {
  constructor(message: string) {
    super(message, { kind: 'rate_limited', code: 'account_throttled', retryable: false, retryAfterSeconds: SUSPICIOUS_COOL_SECONDS });
  }
}

/** How long Kiro's account-level throttle lasts, about (§9.1: peers cool ~30 min). */
export const SUSPICIOUS_COOL_SECONDS = 30 * 60;

interface KiroErrorBody {
  message: string;
  reason: string | null;
}

export function parseKiroErrorBody(text: string): KiroErrorBody {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const nested = typeof json.error === 'object' && json.error !== null ? (json.error as Record<string, unknown>) : {};
    const message = [json.message, json.Message, nested.message, json.error_description, json.error].find((v) => typeof v === 'string');
    const reason = [json.reason, nested.reason].find((v) => typeof v === 'string');
    return { message: (message as string | undefined) ?? '', reason: (reason as string | undefined) ?? null };
  } catch {
    return { message: text.trim().slice(0, 500), reason: null };
  }
}

const QUOTA_WORDING = /monthly (usage|request) limit|overage limit|usage limit has been reached|MONTHLY_REQUEST_COUNT/i;
const SUSPENDED_WORDING = /suspended|locked your account|suspicious activity|TEMPORARILY_SUSPENDED/i;
const SUSPICIOUS_ACTIVITY = /suspicious activity/i;
const BEARER_INVALID = /bearer token.*invalid|token.*expired|security token/i;
const CONTEXT_TOO_LONG = /input is too long|CONTENT_LENGTH_EXCEEDS_THRESHOLD|too many tokens/i;

export interface KiroHttpErrorContext {
  status: number;
  bodyText: string;
  retryAfterHeader: string | undefined;
  /**
   * The size of the generation body we sent and Kiro's limit: Kiro's bare 400 for oversized
   * bodies says nothing about size. Absent for calls without a body (the model list).
   */
  requestBytes?: number;
  maxPayloadBytes?: number;
  /** Credentials of this call, redacted wherever Kiro echoes them. */
  knownSecrets?: readonly string[];
}

export function mapKiroHttpError(ctx: KiroHttpErrorContext): GatewayError {
  // Classify on Kiro's own words; only what is shown to the client is redacted.
  const { message, reason } = parseKiroErrorBody(ctx.bodyText);
  const both = `${message} ${reason ?? ''}`;
  const said = redactSecrets(message, ctx.knownSecrets) || `HTTP ${ctx.status}`;

  if (ctx.status === 400) {
    if (CONTEXT_TOO_LONG.test(both)) return new ContextTooLongError(`The conversation is too long for the model: ${said}`);
    if (reason === 'INVALID_MODEL_ID') return new ModelNotOnAccountError(`The model is not available on this Kiro account: ${said}`);
    if (/improperly formed/i.test(said)) {
      const sizeHint =
        ctx.requestBytes !== undefined && ctx.maxPayloadBytes !== undefined && ctx.requestBytes > ctx.maxPayloadBytes * 0.8
          ? ` The request is ${Math.round(ctx.requestBytes / 1024)} KB; Kiro refuses large bodies this way, so shorten the conversation.`
          : '';
      return new InvalidRequestError(`Kiro rejected the request as improperly formed.${sizeHint}`, null, 'upstream_rejected');
    }
    return new InvalidRequestError(`Kiro rejected the request: ${said}`, null, reason ?? 'upstream_rejected');
  }
  if (ctx.status === 401) return new KiroTokenRejectedError(`Kiro rejected the access token: ${said}`);
  if (ctx.status === 402 || (ctx.status === 429 && QUOTA_WORDING.test(both))) {
    return new QuotaExceededError(`The Kiro account's usage quota is exhausted: ${said}`);
  }
  if (ctx.status === 403) {
    if (SUSPENDED_WORDING.test(both)) return new UpstreamAuthError(`The Kiro account is suspended or locked: ${said}`, 'permission', 'account_suspended');
    if (BEARER_INVALID.test(message)) return new KiroTokenRejectedError(`Kiro rejected the access token: ${said}`);
    return new UpstreamAuthError(`Kiro refused the request: ${said}`, 'permission', 'upstream_forbidden');
  }
  if (ctx.status === 404) return new UpstreamError(`Kiro endpoint not found (HTTP 404): ${said}`, { retryable: false });
  if (ctx.status === 408) return new UpstreamTimeoutError(`Kiro timed out (HTTP 408): ${said}`);
  if (ctx.status === 429 && SUSPICIOUS_ACTIVITY.test(both)) return new AccountThrottledError(`Kiro limits this account for suspicious activity: ${said}`);
  if (ctx.status === 429) return new UpstreamThrottledError(`Kiro is throttling requests: ${said}`, parseRetryAfter(ctx.retryAfterHeader));
  if (ctx.status >= 500) return new UpstreamError(`Kiro failed (HTTP ${ctx.status}): ${said}`, { retryable: true });
  return new UpstreamError(`Kiro answered HTTP ${ctx.status}: ${said}`, { retryable: false });
}

/** What a mid-stream exception frame means: output cut short, or a real failure. */
export type KiroStreamOutcome = { kind: 'truncated' } | { kind: 'failed'; error: GatewayError };

export function mapKiroStreamException(exceptionType: string, message: string): KiroStreamOutcome {
  const name = exceptionType.split(/[#:]/).pop()?.toLowerCase() ?? '';
  if (name === 'contentlengthexceededexception') return { kind: 'truncated' };
  const contextTooLong = CONTEXT_TOO_LONG.test(message);
  message = redactSecrets(message);
  const said = `${exceptionType}: ${message}`;
  if (contextTooLong) return { kind: 'failed', error: new ContextTooLongError(`The conversation is too long for the model: ${message}`) };
  if (name.includes('throttling')) return { kind: 'failed', error: new UpstreamThrottledError(`Kiro is throttling requests: ${said}`) };
  if (name.includes('quota')) return { kind: 'failed', error: new QuotaExceededError(`The Kiro account's usage quota is exhausted: ${said}`) };
  if (name.includes('accessdenied')) return { kind: 'failed', error: new UpstreamAuthError(`Kiro refused the request: ${said}`, 'permission', 'upstream_forbidden') };
  if (name.includes('validation')) return { kind: 'failed', error: new InvalidRequestError(`Kiro rejected the request: ${said}`, null, 'upstream_rejected') };
  return { kind: 'failed', error: new UpstreamError(`Kiro failed mid-stream: ${said}`, { retryable: false }) };
}

/** Kiro sent nothing within the first-token window: retried (FIRST_TOKEN_MAX_RETRIES), then a 504. */
export class FirstTokenTimeoutError extends UpstreamTimeoutError {
  constructor(timeoutMs: number) {
    super(`Kiro sent no first token within ${timeoutMs / 1000} s`, 'first_token_timeout');
  }
}

/**
 * Network failures before the first byte; `waitingForBody` tells a silent body from silent
 * headers, `firstTokenMs` is the window that a silence ran out. The client's message says what
 * kind of failure it was, in words; the HTTP client's own codes and messages (which differ by
 * version and by where the cut fell) are for the log only, see {@link describeNetworkError}.
 */
export function mapNetworkError(err: unknown, waitingForBody: boolean, firstTokenMs: number): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || (waitingForBody && code === 'UND_ERR_BODY_TIMEOUT')) return new FirstTokenTimeoutError(firstTokenMs);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new UpstreamTimeoutError('Connecting to Kiro timed out');
  return new UpstreamError(`Could not reach Kiro: ${unreachableReason(code)}.`, { retryable: true, cause: err });
}

/** Failures of the upstream body after the first byte: the same message streaming or not. */
export function mapMidStreamError(err: unknown, streamReadMs: number): GatewayError {
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return new UpstreamTimeoutError(`Kiro stopped sending for ${streamReadMs / 1000} s in the middle of the response`);
  }
  return new UpstreamError('The connection to Kiro was cut mid-stream, before the answer was complete.', { retryable: false, cause: err });
}

function unreachableReason(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its address could not be resolved';
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return 'the network did not reach it';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'the connection was closed before Kiro answered';
    default:
      // An untrusted certificate is usually a TLS-intercepting proxy: say which fix applies.
      if (code !== undefined && /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code)) {
        return "its TLS certificate could not be verified (behind a TLS-intercepting proxy, give the gateway the proxy's CA with NODE_EXTRA_CA_CERTS)";
      }
      return code !== undefined && /^(ERR_TLS|ERR_SSL)/.test(code) ? 'the TLS connection could not be set up' : 'a network error';
  }
}

/** The HTTP client's own words for a network failure, for the log (never the client's reply). */
export function describeNetworkError(err: unknown): string {
  const { code, message } = err as { code?: string; message?: string };
  return [code, message].filter(Boolean).join(' ') || 'unknown network error';
}

/** `Retry-After` in seconds or as an HTTP date. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
