/**
 * getUsageLimits (kiro-protocol.md §4.2, §9.3) read into what the pool needs: plan, used, limit,
 * remaining, reset date, overage. Pure and lenient: fields may be missing or null.
 */

export interface AccountUsage {
  plan: string | undefined;
  /** Credits used this period (`*WithPrecision` preferred: integers round 720.81 down). */
  used: number;
  /** Base limit plus an active free trial plus ACTIVE bonuses (HK). */
  limit: number;
  remaining: number;
  /** Epoch ms of the next reset, when Kiro said. */
  nextResetAt: number | undefined;
  overageStatus: string | undefined;
  overageCapability: string | undefined;
  /** Epoch ms this was read. */
  fetchedAt: number;
}

type Json = Record<string, unknown>;

export function parseUsageLimits(text: string, now: number): AccountUsage {
  const json = JSON.parse(text) as unknown;
  if (!isObject(json)) throw new Error('getUsageLimits answered something that is not a JSON object');
  const breakdowns = Array.isArray(json.usageBreakdownList) ? json.usageBreakdownList.filter(isObject) : [];
  // Credits where Kiro reports them, else the first resource it lists.
  const main = breakdowns.find((b) => b.resourceType === 'CREDIT') ?? breakdowns[0];
  let used = 0;
  let limit = 0;
  if (main) {
    used += amount(main, 'currentUsage');
    limit += amount(main, 'usageLimit');
    const trial = isObject(main.freeTrialInfo) ? main.freeTrialInfo : undefined;
    if (trial && trial.freeTrialStatus === 'ACTIVE') {
      used += amount(trial, 'currentUsage');
      limit += amount(trial, 'usageLimit');
    }
    for (const bonus of Array.isArray(main.bonuses) ? main.bonuses.filter(isObject) : []) {
      if (bonus.status !== 'ACTIVE') continue;
      used += amount(bonus, 'currentUsage');
      limit += amount(bonus, 'usageLimit');
    }
  }
  const subscription = isObject(json.subscriptionInfo) ? json.subscriptionInfo : {};
  const overage = isObject(json.overageConfiguration) ? json.overageConfiguration : {};
  const reset = numberOf(json.nextDateReset) ?? (main ? numberOf(main.nextDateReset) : undefined);
  return {
    plan: stringOf(subscription.subscriptionTitle),
    used: round(used),
    limit: round(limit),
    remaining: round(Math.max(0, limit - used)),
    // Epoch seconds on the wire; anything past year 33658 would already be milliseconds.
    nextResetAt: reset === undefined ? undefined : reset < 1e12 ? reset * 1000 : reset,
    overageStatus: stringOf(overage.overageStatus),
    overageCapability: stringOf(subscription.overageCapability),
    fetchedAt: now,
  };
}

function amount(record: Json, field: 'currentUsage' | 'usageLimit'): number {
  return numberOf(record[`${field}WithPrecision`]) ?? numberOf(record[field]) ?? 0;
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Credits and requests per model and UTC day, from the metering events (§9.4); kept 31 days. */
export class MeteringLedger {
  private readonly days = new Map<string, Map<string, { credits: number; requests: number }>>();

  constructor(
    private readonly keepDays = 31,
    private readonly maxModelsPerDay = 64,
  ) {}

  add(model: string, credits: number, now: number): void {
    const day = new Date(now).toISOString().slice(0, 10);
    let models = this.days.get(day);
    if (!models) {
      models = new Map();
      this.days.set(day, models);
      while (this.days.size > this.keepDays) this.days.delete(this.days.keys().next().value as string);
    }
    const key = models.has(model) || models.size < this.maxModelsPerDay ? model : 'other';
    const entry = models.get(key) ?? { credits: 0, requests: 0 };
    entry.credits = round(entry.credits + credits);
    entry.requests++;
    models.set(key, entry);
  }

  /** `{ day: { model: { credits, requests } } }`, oldest day first. */
  toJSON(): Record<string, Record<string, { credits: number; requests: number }>> {
    const out: Record<string, Record<string, { credits: number; requests: number }>> = {};
    for (const [day, models] of this.days) out[day] = Object.fromEntries(models);
    return out;
  }

  creditsOn(day: string): number {
    let sum = 0;
    for (const entry of this.days.get(day)?.values() ?? []) sum += entry.credits;
    return round(sum);
  }
}
