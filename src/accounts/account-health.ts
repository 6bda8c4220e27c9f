import { ClientAbortedError, CredentialsError, GatewayError, NotFoundError, QuotaExceededError, UpstreamAuthError, UpstreamError, UpstreamThrottledError, UpstreamTimeoutError } from '../common/errors';
import { AccountThrottledError, KiroTokenRejectedError, ModelNotOnAccountError } from '../kiro/kiro-errors';
import { WebSearchThrottledError, WebSearchUnavailableError } from '../kiro/web-search/kiro-web-search.service';

/**
 * What an upstream answer says about the account that got it (kiro-protocol.md §9.1), and the
 * per-account state it drives: healthy | cooling(until, reason) | disabled(reason). Pure.
 */

export type CoolingReason = 'suspicious_activity' | 'upstream_errors' | 'token_rejected';
export type DisabledReason = 'suspended' | 'quota_exhausted' | 'refresh_refused' | 'operator';

export type AccountState =
  | { kind: 'healthy' }
  | { kind: 'cooling'; until: number; reason: CoolingReason }
  /** `until` is set for a spent quota (the reset date); a suspension waits for an operator. */
  | { kind: 'disabled'; reason: DisabledReason; until?: number };

export const HEALTHY: AccountState = Object.freeze({ kind: 'healthy' });

/** §9.1: the "suspicious activity" limit lasts about half an hour. */
export const SUSPICIOUS_COOL_MS = 30 * 60_000;
/** Throttling or 5xx that outlasted the retries: the account rests while others serve. */
export const TRANSIENT_COOL_MS = 30_000;
/** A bearer Kiro rejected even after a forced refresh. */
export const TOKEN_REJECTED_COOL_MS = 5 * 60_000;
/** A spent quota whose reset date is unknown (getUsageLimits failed) is checked again after this. */
export const QUOTA_RECHECK_MS = 60 * 60_000;

export type AccountVerdict =
  /** The request's fault, or the network's: the account is fine. */
  | { effect: 'none'; failover: boolean }
  /** INVALID_MODEL_ID: this account cannot serve this model; others may. */
  | { effect: 'skip-model'; failover: true }
  | { effect: 'cool'; reason: CoolingReason; ms: number; failover: true }
  | { effect: 'disable'; reason: Exclude<DisabledReason, 'operator'>; failover: true };

/**
 * The table of §9.1. Every 400 is the request's: it never touches the account and is not retried
 * elsewhere. Network trouble never penalises an account, but another one may still serve.
 */
export function verdictFor(err: unknown): AccountVerdict {
  if (err instanceof ClientAbortedError || !(err instanceof GatewayError)) return { effect: 'none', failover: false };
  // Kiro's INVALID_MODEL_ID, or a model the account's own catalog does not route (model resolution
  // is per account): another account's plan may have it; none having it gives the client the 404.
  if (err instanceof ModelNotOnAccountError || (err instanceof NotFoundError && err.code === 'model_not_found')) return { effect: 'skip-model', failover: true };
  // A plan without web search, or its searches throttled: another account may search; the
  // account's chats are not affected, so its health is not touched.
  if (err instanceof WebSearchUnavailableError || err instanceof WebSearchThrottledError) return { effect: 'none', failover: true };
  if (err instanceof QuotaExceededError) return { effect: 'disable', reason: 'quota_exhausted', failover: true };
  if (err instanceof AccountThrottledError) return { effect: 'cool', reason: 'suspicious_activity', ms: SUSPICIOUS_COOL_MS, failover: true };
  if (err instanceof UpstreamAuthError && err.code === 'account_suspended') return { effect: 'disable', reason: 'suspended', failover: true };
  if (err instanceof CredentialsError) return { effect: 'disable', reason: 'refresh_refused', failover: true };
  if (err instanceof KiroTokenRejectedError) return { effect: 'cool', reason: 'token_rejected', ms: TOKEN_REJECTED_COOL_MS, failover: true };
  if (err instanceof UpstreamTimeoutError) return { effect: 'none', failover: true };
  // A cause is a socket or DNS error underneath (mapNetworkError): not the account's doing.
  if (err instanceof UpstreamError && err.cause !== undefined) return { effect: 'none', failover: true };
  if (err instanceof UpstreamThrottledError || (err instanceof UpstreamError && err.retryable)) {
    const ms = err.retryAfterSeconds !== undefined ? Math.min(err.retryAfterSeconds * 1000, SUSPICIOUS_COOL_MS) : TRANSIENT_COOL_MS;
    return { effect: 'cool', reason: 'upstream_errors', ms: Math.max(ms, 1000), failover: true };
  }
  if (err instanceof UpstreamAuthError) return { effect: 'cool', reason: 'token_rejected', ms: TOKEN_REJECTED_COOL_MS, failover: true };
  return { effect: 'none', failover: false };
}

/** The state a verdict leads to; `quotaResetAt` is the reset date getUsageLimits gave, if known. */
export function nextState(current: AccountState, verdict: AccountVerdict, now: number, quotaResetAt?: number): AccountState {
  if (current.kind === 'disabled' && current.reason === 'operator') return current;
  switch (verdict.effect) {
    case 'none':
    case 'skip-model':
      return current;
    case 'cool': {
      // A longer cooling or any disablement is never shortened by a lesser verdict.
      if (current.kind === 'disabled') return current;
      const until = now + verdict.ms;
      if (current.kind === 'cooling' && current.until >= until) return current;
      return { kind: 'cooling', until, reason: verdict.reason };
    }
    case 'disable':
      if (verdict.reason === 'quota_exhausted') return { kind: 'disabled', reason: 'quota_exhausted', until: quotaResetAt ?? now + QUOTA_RECHECK_MS };
      return { kind: 'disabled', reason: verdict.reason };
  }
}

/** The state as of `now`: a cooling or quota disablement past its time is healthy again. */
export function currentState(state: AccountState, now: number): AccountState {
  if (state.kind === 'cooling' && state.until <= now) return HEALTHY;
  if (state.kind === 'disabled' && state.until !== undefined && state.until <= now) return HEALTHY;
  return state;
}

export function describeState(state: AccountState): string {
  switch (state.kind) {
    case 'healthy':
      return 'healthy';
    case 'cooling':
      return `cooling until ${new Date(state.until).toISOString()} (${state.reason})`;
    case 'disabled':
      return `disabled (${state.reason})${state.until !== undefined ? ` until ${new Date(state.until).toISOString()}` : ''}`;
  }
}

export function sameState(a: AccountState, b: AccountState): boolean {
  return a.kind === b.kind && (a as { reason?: string }).reason === (b as { reason?: string }).reason && (a as { until?: number }).until === (b as { until?: number }).until;
}
