import { ContextTooLongError, CredentialsError, InvalidRequestError, NotFoundError, QuotaExceededError, UpstreamAuthError, UpstreamError, UpstreamThrottledError, UpstreamTimeoutError } from '../common/errors';
import { AccountThrottledError, KiroTokenRejectedError, ModelNotOnAccountError } from '../kiro/kiro-errors';
import { WebSearchThrottledError, WebSearchUnavailableError } from '../kiro/web-search';
import { currentState, HEALTHY, nextState, QUOTA_RECHECK_MS, SUSPICIOUS_COOL_MS, TRANSIENT_COOL_MS, verdictFor } from './account-health';

describe(verdictFor.name, () => {
  it.each([
    ['a 400', new InvalidRequestError('bad'), { effect: 'none', failover: false }],
    ['a context overflow', new ContextTooLongError('long'), { effect: 'none', failover: false }],
    ['INVALID_MODEL_ID', new ModelNotOnAccountError('no model'), { effect: 'skip-model', failover: true }],
    ['a model the account does not route', new NotFoundError('no such model', 'model_not_found', 'model'), { effect: 'skip-model', failover: true }],
    ['a spent quota', new QuotaExceededError('quota'), { effect: 'disable', reason: 'quota_exhausted', failover: true }],
    ['a suspension', new UpstreamAuthError('locked', 'permission', 'account_suspended'), { effect: 'disable', reason: 'suspended', failover: true }],
    ['a refused refresh', new CredentialsError('dead'), { effect: 'disable', reason: 'refresh_refused', failover: true }],
    ['suspicious activity', new AccountThrottledError('sus'), { effect: 'cool', reason: 'suspicious_activity', ms: SUSPICIOUS_COOL_MS, failover: true }],
    ['a bearer rejected after the forced refresh', new KiroTokenRejectedError('bad token'), { effect: 'cool', reason: 'token_rejected', failover: true }],
    ['throttling past the retries', new UpstreamThrottledError('slow down'), { effect: 'cool', reason: 'upstream_errors', ms: TRANSIENT_COOL_MS, failover: true }],
    ['5xx past the retries', new UpstreamError('HTTP 500', { retryable: true }), { effect: 'cool', reason: 'upstream_errors', failover: true }],
    ['a network error', new UpstreamError('ECONNRESET', { retryable: true, cause: new Error('socket') }), { effect: 'none', failover: true }],
    ['a timeout', new UpstreamTimeoutError('slow'), { effect: 'none', failover: true }],
    ['a plan without web search', new WebSearchUnavailableError('no search'), { effect: 'none', failover: true }],
    ['throttled web searches', new WebSearchThrottledError('slow searches'), { effect: 'none', failover: true }],
    ['an unknown error', new Error('bug'), { effect: 'none', failover: false }],
  ])('%s', (_, error, verdict) => {
    expect(verdictFor(error)).toMatchObject(verdict);
  });

  it('cools a throttled account for its Retry-After', () => {
    expect(verdictFor(new UpstreamThrottledError('slow down', 120))).toMatchObject({ effect: 'cool', ms: 120_000 });
  });
});

describe(nextState.name, () => {
  const now = 1_000_000;

  it('disables a spent quota until the reset date getUsageLimits gave, or re-checks after an hour', () => {
    const verdict = verdictFor(new QuotaExceededError('quota'));

    expect(nextState(HEALTHY, verdict, now, now + 5_000)).toEqual({ kind: 'disabled', reason: 'quota_exhausted', until: now + 5_000 });
    expect(nextState(HEALTHY, verdict, now)).toEqual({ kind: 'disabled', reason: 'quota_exhausted', until: now + QUOTA_RECHECK_MS });
  });

  it('keeps a suspension until an operator acts, with no end date', () => {
    expect(nextState(HEALTHY, verdictFor(new UpstreamAuthError('locked', 'permission', 'account_suspended')), now)).toEqual({ kind: 'disabled', reason: 'suspended' });
  });

  it('never shortens a longer cooling or lifts a disablement with a lesser verdict', () => {
    const long = { kind: 'cooling', until: now + SUSPICIOUS_COOL_MS, reason: 'suspicious_activity' } as const;
    const disabled = { kind: 'disabled', reason: 'suspended' } as const;

    expect(nextState(long, verdictFor(new UpstreamThrottledError('x')), now)).toBe(long);
    expect(nextState(disabled, verdictFor(new AccountThrottledError('x')), now)).toBe(disabled);
  });

  it('leaves an operator-disabled account disabled whatever happens', () => {
    const operator = { kind: 'disabled', reason: 'operator' } as const;

    expect(nextState(operator, verdictFor(new QuotaExceededError('q')), now)).toBe(operator);
  });
});

describe(currentState.name, () => {
  it('turns an expired cooling or quota back to healthy, and keeps a suspension', () => {
    expect(currentState({ kind: 'cooling', until: 10, reason: 'upstream_errors' }, 10)).toEqual(HEALTHY);
    expect(currentState({ kind: 'disabled', reason: 'quota_exhausted', until: 10 }, 11)).toEqual(HEALTHY);
    expect(currentState({ kind: 'cooling', until: 10, reason: 'upstream_errors' }, 9).kind).toBe('cooling');
    expect(currentState({ kind: 'disabled', reason: 'suspended' }, 1e15).kind).toBe('disabled');
  });
});
