import { SIM_MODEL_CATALOG, type SimModel } from './model-catalog';
import { type HttpErrorScenario, quotaExceeded, suspended, throttled } from './scenarios';
import { SimTokenStore } from './token-store';

/**
 * Kiro accounts as the simulator keeps them: each with its own tokens, plan, model catalog,
 * usage limits (kiro-protocol.md §4.2, §9.3) and a fault a test can set at any time. Access
 * tokens and API keys say which account a call is for.
 */

/** What a test can make one account do (kiro-protocol.md §9.1). */
export type SimFaultKind = 'suspend' | 'quota' | 'throttle' | 'suspicious' | 'invalid-grant';

export interface SimAccountOptions {
  name: string;
  /** Default [`<name>-refresh-token`]. */
  refreshTokens?: string[];
  /** Kiro API keys (`ksk_…`), accepted as the bearer with `tokentype: API_KEY` and never refreshed. */
  apiKeys?: string[];
  /** `subscriptionInfo.subscriptionTitle`; default 'KIRO PRO'. */
  plan?: string;
  /** Model ids of this account's catalog; default the whole simulator catalog. */
  models?: string[];
  /** Credits per month; default 1000. */
  usageLimit?: number;
  /** Credits used so far; default 0. Metering of every served stream adds to it. */
  used?: number;
  /** Epoch seconds of the next reset; default the first of next month (UTC). */
  nextDateReset?: number;
  profileArn?: string;
  /** Whether the plan includes web search (POST /mcp); default true. */
  webSearch?: boolean;
}

export interface SimAccountStats {
  chatRequests: number;
  /** Chat calls answered 200. */
  served: number;
  refreshes: number;
  usageRequests: number;
  modelListRequests: number;
}

export const SUSPICIOUS_ACTIVITY_MESSAGE =
  'Due to suspicious activity, we are imposing temporary limits on how frequently your account (d-9067c1a2b3) can send a request to Kiro while we investigate.';

/** §9.1: the account-level throttle a pool must cool ~30 minutes. */
export const suspiciousActivity = (): HttpErrorScenario => ({
  kind: 'http-error',
  status: 429,
  body: { message: SUSPICIOUS_ACTIVITY_MESSAGE, reason: null },
  headers: { 'x-amzn-errortype': 'ThrottlingException' },
});

/** §9.1: the overage 402. */
export const overageLimitReached = (): HttpErrorScenario => ({
  kind: 'http-error',
  status: 402,
  body: { message: 'You have reached the limit for overages.', reason: 'OVERAGE_REQUEST_LIMIT_EXCEEDED' },
  headers: { 'x-amzn-errortype': 'ServiceQuotaExceededException' },
});

function firstOfNextMonthSeconds(now = new Date()): number {
  return Math.floor(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) / 1000);
}

export class SimAccount {
  readonly name: string;
  readonly tokens: SimTokenStore;
  readonly apiKeys: ReadonlySet<string>;
  readonly plan: string;
  readonly catalog: readonly SimModel[];
  readonly modelIds: ReadonlySet<string>;
  readonly profileArn: string | undefined;
  readonly webSearch: boolean;
  usageLimit: number;
  used: number;
  nextDateReset: number;
  readonly stats: SimAccountStats = { chatRequests: 0, served: 0, refreshes: 0, usageRequests: 0, modelListRequests: 0 };
  private fault: { kind: SimFaultKind; remaining: number } | undefined;

  constructor(options: SimAccountOptions, tokenDefaults: { rotateRefreshTokens: boolean; accessTokenTtlSeconds: number; staticAccessTokens?: string[] }) {
    this.name = options.name;
    this.tokens = new SimTokenStore({
      refreshTokens: options.refreshTokens ?? [`${options.name}-refresh-token`],
      rotateRefreshTokens: tokenDefaults.rotateRefreshTokens,
      accessTokenTtlSeconds: tokenDefaults.accessTokenTtlSeconds,
      staticAccessTokens: tokenDefaults.staticAccessTokens ?? [],
    });
    this.apiKeys = new Set(options.apiKeys ?? []);
    this.plan = options.plan ?? 'KIRO PRO';
    const wanted = options.models ? new Set(options.models) : undefined;
    this.catalog = wanted ? SIM_MODEL_CATALOG.filter((model) => wanted.has(model.modelId)) : SIM_MODEL_CATALOG;
    this.modelIds = new Set(this.catalog.map((model) => model.modelId));
    this.profileArn = options.profileArn;
    this.webSearch = options.webSearch ?? true;
    this.usageLimit = options.usageLimit ?? 1000;
    this.used = options.used ?? 0;
    this.nextDateReset = options.nextDateReset ?? firstOfNextMonthSeconds();
  }

  /**
   * From now on (for `times` calls, default until cleared) the account answers with this fault.
   * `invalid-grant` refuses its refresh tokens and expires its access tokens, as a revoked login does.
   */
  setFault(kind: SimFaultKind, options: { times?: number } = {}): this {
    this.fault = { kind, remaining: options.times ?? Infinity };
    if (kind === 'invalid-grant') this.tokens.expireAccessTokens();
    if (kind === 'quota') this.used = Math.max(this.used, this.usageLimit);
    return this;
  }

  clearFault(): this {
    this.fault = undefined;
    return this;
  }

  get currentFault(): SimFaultKind | undefined {
    return this.fault?.kind;
  }

  /** The error a chat call gets from this account's fault or spent quota, if any (consumes one `times`). */
  chatRefusal(): HttpErrorScenario | undefined {
    const refusal = this.faultScenario();
    if (refusal) return refusal;
    return this.used >= this.usageLimit ? quotaExceeded() : undefined;
  }

  /** Whether a refresh of this account is refused (`invalid-grant`). */
  refusesRefresh(): boolean {
    return this.fault?.kind === 'invalid-grant';
  }

  /** Suspended accounts answer getUsageLimits with the same 403. */
  usageRefusal(): HttpErrorScenario | undefined {
    return this.fault?.kind === 'suspend' ? suspended() : undefined;
  }

  /** getUsageLimits (§4.2, §9.3), `*WithPrecision` beside the rounded integers. */
  usageLimits(now = Date.now()): Record<string, unknown> {
    const daysUntilReset = Math.max(0, Math.ceil((this.nextDateReset * 1000 - now) / 86_400_000));
    return {
      subscriptionInfo: { subscriptionTitle: this.plan, type: 'Q_DEVELOPER_STANDALONE_PRO', overageCapability: 'OVERAGE_CAPABLE', upgradeCapability: 'UPGRADE_CAPABLE' },
      userInfo: { email: `${this.name}@example.com`, userId: `sim-user-${this.name}` },
      nextDateReset: this.nextDateReset,
      daysUntilReset,
      overageConfiguration: { overageStatus: 'DISABLED' },
      usageBreakdownList: [
        {
          resourceType: 'CREDIT',
          displayName: 'Credits',
          unit: 'credit',
          currency: 'USD',
          currentUsage: Math.floor(this.used),
          currentUsageWithPrecision: this.used,
          usageLimit: Math.floor(this.usageLimit),
          usageLimitWithPrecision: this.usageLimit,
          nextDateReset: this.nextDateReset,
          overageCharges: 0,
          overageRate: 0.04,
          bonuses: [],
        },
      ],
    };
  }

  private faultScenario(): HttpErrorScenario | undefined {
    const fault = this.fault;
    if (!fault || fault.kind === 'invalid-grant') return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.fault = undefined;
    switch (fault.kind) {
      case 'suspend':
        return suspended();
      case 'quota':
        return overageLimitReached();
      case 'throttle':
        return throttled();
      case 'suspicious':
        return suspiciousActivity();
    }
  }
}
