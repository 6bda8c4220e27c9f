import { GatewayError, PermissionDeniedError } from '../common/errors';
import type { BudgetPeriod } from './budget-periods';

/** A key spent its daily or monthly budget: a 429 with `x-should-retry: false` until the reset. */
export class BudgetExceededError extends GatewayError {
  constructor(
    readonly keyName: string,
    readonly period: BudgetPeriod,
    readonly limit: number,
    readonly used: number,
    readonly resetsAt: number,
    now: number,
  ) {
    super(
      `The key "${keyName}" has spent its ${period} budget: ${credits(used)} of ${credits(limit)} Kiro credits used. ` +
        `It resets at ${new Date(resetsAt).toISOString()} (UTC).`,
      { kind: 'budget_exceeded', code: `${period}_budget_exceeded`, retryAfterSeconds: Math.max(1, Math.ceil((resetsAt - now) / 1000)) },
    );
  }
}

/** The key may not use the model asked for. */
export class ModelNotAllowedError extends GatewayError {
  constructor(keyName: string, model: string, allowed: readonly string[]) {
    super(`The key "${keyName}" may not use the model "${model.slice(0, 100)}"; it may use: ${allowed.join(', ')}.`, { kind: 'permission', code: 'model_not_allowed', param: 'model' });
  }
}

/** A disabled key is refused like a revoked one (403: the key is known, only not allowed now). */
export class KeyDisabledError extends PermissionDeniedError {
  constructor(keyName: string) {
    super(`The key "${keyName}" is disabled by the gateway's operator.`, 'key_disabled');
  }
}

const credits = (n: number): string => String(Math.round(n * 10_000) / 10_000);
