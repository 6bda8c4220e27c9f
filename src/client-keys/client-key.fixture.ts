import type { ClientKey } from './client-key';

/** A created key as the specs need one: no limits, a made-up digest; the fields given replace its own. */
export function createdKey(overrides: Partial<ClientKey> = {}): ClientKey {
  return {
    id: 'key_0123456789ab',
    name: 'one',
    source: 'created',
    digest: 'a'.repeat(64),
    hint: 'kgw_AbCd…',
    enabled: true,
    createdAt: '2026-12-01T00:00:00.000Z',
    models: [],
    accounts: [],
    rateLimitPerMinute: undefined,
    dailyCredits: undefined,
    monthlyCredits: undefined,
    ...overrides,
  };
}
