/**
 * A client key: who may call the gateway, and within which limits. The secret itself is never
 * kept: only its SHA-256 digest (the lookup key) and a short, recognisable hint of its start.
 */
export interface ClientKeyPolicy {
  /** The models it may be served (a request is taken after MODEL_ALIASES and normalising, see model-policy.ts); `*` at the end matches a prefix. Empty: any. */
  models: string[];
  /** Pool accounts that may serve its requests (failover only among them). Empty: any. */
  accounts: string[];
  /** Requests per minute for this key; undefined: RATE_LIMIT_PER_MINUTE. */
  rateLimitPerMinute: number | undefined;
  /** Kiro credits per UTC day; undefined: no daily budget. */
  dailyCredits: number | undefined;
  /** Kiro credits per UTC calendar month; undefined: no monthly budget. */
  monthlyCredits: number | undefined;
}

export type ClientKeySource =
  /** PROXY_API_KEY: the key named `default`, with no limits. */
  | 'default'
  /** PROXY_API_KEYS: the secret and name from the environment; its limits set in the console (kept in CLIENT_KEYS_FILE). */
  | 'static'
  /** Made in the console or the admin API, kept (hashed) in CLIENT_KEYS_FILE. */
  | 'created';

export interface ClientKey extends ClientKeyPolicy {
  /** Stable across renames: what its counters (rate limit, spend) are keyed by. */
  readonly id: string;
  name: string;
  readonly source: ClientKeySource;
  /** Hex SHA-256 of the secret. */
  readonly digest: string;
  /** The secret's first characters (`kgw_AbCd…`), so an operator can tell keys apart; undefined for env keys. */
  readonly hint: string | undefined;
  enabled: boolean;
  /** ISO time of creation (created keys). */
  readonly createdAt: string | undefined;
}

/** Names: what the console, the request log and the metrics show. */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const KEY_NAME_RULE = '1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit';

/** At most this many keys in all (created and static): a bounded lookup table and file. */
export const MAX_CLIENT_KEYS = 1000;

/** At most this many models or accounts named by one key. */
export const MAX_POLICY_ENTRIES = 100;

export const NO_LIMITS: ClientKeyPolicy = { models: [], accounts: [], rateLimitPerMinute: undefined, dailyCredits: undefined, monthlyCredits: undefined };

/** The id of a PROXY_API_KEYS key: its limits are kept in CLIENT_KEYS_FILE under it. */
export const envKeyId = (name: string): string => `env.${name}`;

/** The name PROXY_API_KEY goes by (the request log, the console). */
export const DEFAULT_KEY_NAME = 'default';

/** A period's credits and requests, as the admin API and /v1/usage give them. */
export interface PeriodUsage {
  credits: number;
  requests: number;
  limit: number | null;
  resetsAt: string;
}

export interface ClientKeyUsage {
  daily: PeriodUsage;
  monthly: PeriodUsage;
}

/** A key as the admin API shows it: never the secret or its digest. */
export interface ClientKeyView {
  id: string;
  name: string;
  source: ClientKeySource;
  /** PROXY_API_KEY: nothing about it changes here. */
  readOnly: boolean;
  /** Created keys only: PROXY_API_KEYS keys are removed from the environment. */
  deletable: boolean;
  hint: string | null;
  enabled: boolean;
  createdAt: string | null;
  models: string[];
  accounts: string[];
  rateLimitPerMinute: number | null;
  dailyCredits: number | null;
  monthlyCredits: number | null;
  usage: ClientKeyUsage;
}
