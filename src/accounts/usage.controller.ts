import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequiresProxyKey, type Principal } from '../auth';
import { AccountsService } from './accounts.service';

export interface UsageAnswer {
  object: 'usage';
  /** Credits the caller can still spend: the accounts able to serve it, summed (its own login for a tenant). */
  remaining_credits: number | null;
  limit_credits: number | null;
  used_credits: number | null;
  /** The soonest reset among them (ISO-8601). */
  next_reset: string | null;
  accounts?: { total: number; available: number };
}

@ApiTags('usage')
@RequiresProxyKey()
@Controller('v1/usage')
export class UsageController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiOperation({
    summary: 'Remaining Kiro credits',
    description:
      "What the caller can still use (kiro-protocol.md §9.3): with the proxy key, the credits left on the gateway's accounts that can serve " +
      "(getUsageLimits, read every USAGE_REFRESH_INTERVAL); with KEY:REFRESH_TOKEN, the tenant's own login's. null while not known yet.",
  })
  @ApiOkResponse({ schema: { example: { object: 'usage', remaining_credits: 1729.19, limit_credits: 2550, used_credits: 820.81, next_reset: '2027-01-01T00:00:00.000Z', accounts: { total: 3, available: 2 } } } })
  async usage(@CurrentPrincipal() principal: Principal): Promise<UsageAnswer> {
    if (principal.kind === 'tenant') {
      const usage = await this.accounts.tenantUsage(principal);
      return { object: 'usage', remaining_credits: usage.remaining, limit_credits: usage.limit, used_credits: usage.used, next_reset: iso(usage.nextResetAt) };
    }
    await this.accounts.ensureUsage();
    const sum = this.accounts.remaining();
    return {
      object: 'usage',
      remaining_credits: sum.known ? sum.remaining : null,
      limit_credits: sum.known ? sum.limit : null,
      used_credits: sum.known ? sum.used : null,
      next_reset: iso(sum.nextResetAt),
      accounts: { total: sum.accounts, available: sum.available },
    };
  }
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
