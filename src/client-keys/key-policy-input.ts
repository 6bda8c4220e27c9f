import { MAX_POLICY_ENTRIES } from './client-key';

/** A change of policy as the admin API (or the file) gives it: null removes a limit, undefined leaves it. */
export interface PolicyInput {
  models?: string[];
  accounts?: string[];
  rateLimitPerMinute?: number | null;
  dailyCredits?: number | null;
  monthlyCredits?: number | null;
}

const ENTRY = /^[\x21-\x7e]{1,128}$/;

/** Checks the policy fields of a body; the first problem found, as a sentence naming the field. */
export function parsePolicy(raw: Record<string, unknown>): PolicyInput | string {
  const out: PolicyInput = {};
  for (const field of ['models', 'accounts'] as const) {
    const value = raw[field];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.length > MAX_POLICY_ENTRIES || !value.every((item) => typeof item === 'string' && ENTRY.test(item))) {
      return `${field} must be a list of at most ${MAX_POLICY_ENTRIES} names (printable, no spaces, at most 128 characters each)`;
    }
    out[field] = [...new Set(value as string[])];
  }
  const rate = raw.rateLimitPerMinute;
  if (rate !== undefined) {
    if (rate !== null && (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > 1_000_000)) return 'rateLimitPerMinute must be a whole number from 1 to 1000000, or null for RATE_LIMIT_PER_MINUTE';
    out.rateLimitPerMinute = rate as number | null;
  }
  for (const field of ['dailyCredits', 'monthlyCredits'] as const) {
    const value = raw[field];
    if (value === undefined) continue;
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1e9)) return `${field} must be a number of Kiro credits above 0 (at most 1e9), or null for no budget`;
    out[field] = value as number | null;
  }
  return out;
}
