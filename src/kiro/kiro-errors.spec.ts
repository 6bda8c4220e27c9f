import { ContextTooLongError, NotFoundError, QuotaExceededError, UpstreamAuthError, UpstreamThrottledError } from '../common/errors';
import { AccountThrottledError, describeNetworkError, KiroTokenRejectedError, mapKiroHttpError, mapKiroStreamException, mapMidStreamError, mapNetworkError, ModelNotOnAccountError, parseRetryAfter } from './kiro-errors';

const ctx = (status: number, body: unknown, retryAfterHeader?: string) => ({
  status,
  bodyText: typeof body === 'string' ? body : JSON.stringify(body),
  retryAfterHeader,
  requestBytes: 1_000,
  maxPayloadBytes: 600_000,
});

describe(mapKiroHttpError.name, () => {
  it('recognises the refreshable bearer-token 403 on its raw wording', () => {
    const error = mapKiroHttpError(ctx(403, { message: 'The bearer token included in the request is invalid.', reason: null }));

    expect(error).toBeInstanceOf(KiroTokenRejectedError);
  });

  it('treats a suspension 403 as final, never as a token problem', () => {
    const error = mapKiroHttpError(ctx(403, { message: 'Your User ID (x) temporarily is suspended.', reason: 'TEMPORARILY_SUSPENDED' }));

    expect(error).toBeInstanceOf(UpstreamAuthError);
    expect(error).toMatchObject({ status: 403, code: 'account_suspended' });
  });

  it.each([
    [402, { message: 'Monthly limit', reason: 'MONTHLY_REQUEST_COUNT' }],
    [429, { message: "You've reached your monthly usage limit.", reason: null }],
  ])('maps quota exhaustion (%i) to insufficient_quota, not a retryable throttle', (status, body) => {
    const error = mapKiroHttpError(ctx(status, body));

    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error.retryable).toBe(false);
  });

  it('maps throttling to a retryable 429 carrying Retry-After', () => {
    const error = mapKiroHttpError(ctx(429, { message: 'Too many requests', reason: 'SERVICE_REQUEST_RATE_EXCEEDED' }, '7'));

    expect(error).toBeInstanceOf(UpstreamThrottledError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 7 });
  });

  it('maps the suspicious-activity 429 to a non-retryable account throttle, and INVALID_MODEL_ID to a model missing on this account', () => {
    const suspicious = mapKiroHttpError(ctx(429, { message: 'Due to suspicious activity, we are imposing temporary limits on how frequently your account (d-1) can send a request', reason: null }));

    expect(suspicious).toBeInstanceOf(AccountThrottledError);
    expect(suspicious).toMatchObject({ status: 429, retryable: false, code: 'account_throttled' });
    expect(mapKiroHttpError(ctx(400, { message: 'Invalid model.', reason: 'INVALID_MODEL_ID' }))).toBeInstanceOf(ModelNotOnAccountError);
  });

  it('maps context overflow and unknown models', () => {
    expect(mapKiroHttpError(ctx(400, { message: 'Input is too long.', reason: 'CONTENT_LENGTH_EXCEEDS_THRESHOLD' }))).toBeInstanceOf(ContextTooLongError);
    expect(mapKiroHttpError(ctx(400, { message: 'Invalid model.', reason: 'INVALID_MODEL_ID' }))).toBeInstanceOf(NotFoundError);
  });

  it('says size is the likely cause of a bare 400 for a large body', () => {
    const error = mapKiroHttpError({ ...ctx(400, { message: 'Improperly formed request.', reason: null }), requestBytes: 590_000 });

    expect(error.message).toContain('576 KB');
  });

  it('marks 5xx retryable and maps it to 502', () => {
    expect(mapKiroHttpError(ctx(503, 'Service Unavailable'))).toMatchObject({ status: 502, retryable: true });
  });

  it('strips tokens from upstream messages it passes on', () => {
    const error = mapKiroHttpError(ctx(400, { message: 'bad header Authorization: Bearer aoaAbCdEfGhIjKlMnOpQrStUvWxYz0123456789' }));

    expect(error.message).not.toContain('aoaAbCdEf');
    expect(error.message).toContain('[redacted]');
  });
});

describe(mapKiroStreamException.name, () => {
  it('treats ContentLengthExceededException as output cut short', () => {
    expect(mapKiroStreamException('ContentLengthExceededException', 'too long')).toEqual({ kind: 'truncated' });
  });

  it('maps a namespaced throttling exception to 429', () => {
    const outcome = mapKiroStreamException('com.amazon.aws.codewhisperer#ThrottlingException', 'slow down');

    expect(outcome).toMatchObject({ kind: 'failed', error: { status: 429 } });
  });
});

describe(parseRetryAfter.name, () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('Thu, 01 Jan 2026 00:00:00 GMT'))).toBe(10);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe(mapMidStreamError.name, () => {
  it.each([
    ['undici on a streamed read', Object.assign(new Error('Response does not match the HTTP/1.1 protocol (Invalid EOF state)'), { code: 'HPE_INVALID_EOF_STATE' })],
    ['undici on a whole read', Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })],
    ['a reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
  ])('gives a cut connection one message, whatever the HTTP client said (%s)', (_where, cause) => {
    const error = mapMidStreamError(cause, 300_000);

    expect(error.message).toBe('The connection to Kiro was cut mid-stream, before the answer was complete.');
    expect(error.cause).toBe(cause);
    expect(describeNetworkError(cause)).toContain(cause.message);
  });
});

describe(mapNetworkError.name, () => {
  it.each([
    ['ECONNREFUSED', 'Could not reach Kiro: the connection was refused.'],
    ['ENOTFOUND', 'Could not reach Kiro: its address could not be resolved.'],
    ['UND_ERR_SOCKET', 'Could not reach Kiro: the connection was closed before Kiro answered.'],
    ['CERT_HAS_EXPIRED', "Could not reach Kiro: its TLS certificate could not be verified (behind a TLS-intercepting proxy, give the gateway the proxy's CA with NODE_EXTRA_CA_CERTS)."],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'Could not reach Kiro: the TLS connection could not be set up.'],
    ['EWHATEVER', 'Could not reach Kiro: a network error.'],
  ])('says in words what kind of failure %s is, keeping the codes for the log', (code, message) => {
    const cause = Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });

    const error = mapNetworkError(cause, false, 10_000);

    expect(error.message).toBe(message);
    expect(error.message).not.toContain('10.0.0.1');
  });
});
