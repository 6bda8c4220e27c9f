import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequiresProxyKey, type Principal } from '../auth';
import type { ClientKey } from '../client-keys/client-key';
import { ClientKeysService, type PeriodUsage } from '../client-keys/client-keys.service';
import { AccountsService, allowedAccountsOf } from './accounts.service';

/** One of the caller's key's own budgets (dailyCredits, monthlyCredits). */
export interface KeyBudgetAnswer {
  limit_credits: number;
  used_credits: number;
  remaining_credits: number;
  /** The end of the period (ISO-8601, UTC). */
  resets_at: string;
}

export interface UsageAnswer {
  object: 'usage';
  /**
   * Credits the caller can still spend: the accounts able to serve it, summed (those its key may
   * use; its own login for a tenant), and no more than its key's remaining budgets.
   */
  remaining_credits: number | null;
  limit_credits: number | null;
  used_credits: number | null;
  /** The soonest reset among them (ISO-8601). */
  next_reset: string | null;
  accounts?: { total: number; available: number };
  /** The caller's key's own budgets, where it has any. */
  key_budget?: { daily?: KeyBudgetAnswer; monthly?: KeyBudgetAnswer };
}

@ApiTags('usage')
@RequiresProxyKey()
@Controller('v1/usage')
export class UsageController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly keys: ClientKeysService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Remaining Kiro credits',
    description:
      "What the caller can still use (kiro-protocol.md §9.3): with a client key, the credits left on the gateway's accounts that can serve it " +
      "(those the key may use; getUsageLimits, read every USAGE_REFRESH_INTERVAL); with KEY:REFRESH_TOKEN, the tenant's own login's. " +
      "A key with daily or monthly budgets also gets them in `key_budget`, and `remaining_credits` is no more than what they leave. null while not known yet.",
  })
  @ApiOkResponse({
    schema: {
      example: {
        object: 'usage',
        remaining_credits: 4.2,
        limit_credits: 2550,
        used_credits: 820.81,
        next_reset: '2027-01-01T00:00:00.000Z',
        accounts: { total: 3, available: 2 },
        key_budget: { daily: { limit_credits: 5, used_credits: 0.8, remaining_credits: 4.2, resets_at: '2026-12-02T00:00:00.000Z' } },
      },
    },
  })
  async usage(@CurrentPrincipal() principal: Principal): Promise<UsageAnswer> {
    const budget = principal.key ? await this.budgetOf(principal.key) : undefined;
    if (principal.kind === 'tenant') {
      const usage = await this.accounts.tenantUsage(principal);
      return { object: 'usage', remaining_credits: capped(usage.remaining, budget), limit_credits: usage.limit, used_credits: usage.used, next_reset: iso(usage.nextResetAt), ...budgetField(budget) };
    }
    await this.accounts.ensureUsage();
    const sum = this.accounts.remaining(allowedAccountsOf(principal));
    return {
      object: 'usage',
      remaining_credits: sum.known ? capped(sum.remaining, budget) : null,
      limit_credits: sum.known ? sum.limit : null,
      used_credits: sum.known ? sum.used : null,
      next_reset: iso(sum.nextResetAt),
      accounts: { total: sum.accounts, available: sum.available },
      ...budgetField(budget),
    };
  }

  /** The key's budgets and what they leave; undefined for a key without any. */
  private async budgetOf(key: ClientKey): Promise<UsageAnswer['key_budget']> {
    if (key.dailyCredits === undefined && key.monthlyCredits === undefined) return undefined;
    // A key deleted since the guard let this request in has no budget left to show.
    const usage = await this.keys.get(key.id).then((view) => view.usage, () => undefined);
    if (!usage) return undefined;
    const daily = toBudget(usage.daily);
    const monthly = toBudget(usage.monthly);
    return { ...(daily ? { daily } : {}), ...(monthly ? { monthly } : {}) };
  }
}

function toBudget(period: PeriodUsage): KeyBudgetAnswer | undefined {
  if (period.limit === null) return undefined;
  return { limit_credits: period.limit, used_credits: period.credits, remaining_credits: round(Math.max(0, period.limit - period.credits)), resets_at: period.resetsAt };
}

/** The accounts' remaining credits, no more than the key's tightest remaining budget. */
function capped(remaining: number, budget: UsageAnswer['key_budget']): number {
  const left = [budget?.daily, budget?.monthly].filter((b): b is KeyBudgetAnswer => b !== undefined).map((b) => b.remaining_credits);
  return round(Math.min(remaining, ...left));
}

const budgetField = (budget: UsageAnswer['key_budget']): Pick<UsageAnswer, 'key_budget'> => (budget ? { key_budget: budget } : {});

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
