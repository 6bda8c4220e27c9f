import type { KiroModelInfo } from '../kiro';

/**
 * What the gateway knows about models without asking Kiro: the catalog it lists while it has none
 * of the account's own (Kiro unreachable, not fetched yet, multi-tenant-only mode), the context
 * windows of Kiro's ids for catalogs that omit them, and the dated names Anthropic gave its models.
 */

const WINDOW_200K = 200_000;
const WINDOW_1M = 1_000_000;

export const DEFAULT_MAX_INPUT_TOKENS = WINDOW_200K;

/** Kiro ids most accounts have (kiro-protocol.md §4.3), with their windows. */
export const STATIC_CATALOG: readonly KiroModelInfo[] = [
  { modelId: 'auto', maxInputTokens: WINDOW_200K },
  { modelId: 'claude-sonnet-4.5', maxInputTokens: WINDOW_200K },
  { modelId: 'claude-sonnet-4', maxInputTokens: WINDOW_200K },
  { modelId: 'claude-haiku-4.5', maxInputTokens: WINDOW_200K },
  { modelId: 'claude-opus-4.5', maxInputTokens: WINDOW_200K },
  { modelId: 'claude-sonnet-4.6', maxInputTokens: WINDOW_1M },
  { modelId: 'claude-opus-4.6', maxInputTokens: WINDOW_1M },
];

/** Context windows by Kiro id, for catalog entries that do not give one. */
export const STATIC_WINDOWS: ReadonlyMap<string, number> = new Map(STATIC_CATALOG.map((model) => [model.modelId, model.maxInputTokens ?? WINDOW_200K]));

/**
 * Anthropic's dated names, by the Kiro id that serves them; models from 4.6 on have none (their
 * API id is the hyphenated name, e.g. `claude-opus-4-6`).
 */
export const DATED_NAMES: ReadonlyMap<string, readonly string[]> = new Map([
  ['claude-sonnet-4.5', ['claude-sonnet-4-5-20250929']],
  ['claude-haiku-4.5', ['claude-haiku-4-5-20251001']],
  ['claude-opus-4.5', ['claude-opus-4-5-20251101']],
  ['claude-opus-4.1', ['claude-opus-4-1-20250805']],
  ['claude-sonnet-4', ['claude-sonnet-4-20250514']],
  ['claude-opus-4', ['claude-opus-4-20250514']],
  ['claude-3.7-sonnet', ['claude-3-7-sonnet-20250219']],
]);

/**
 * The names clients know a Kiro id by, besides the id: the hyphenated form (`claude-sonnet-4-6`,
 * `claude-3-7-sonnet`) and the dated ones. Which of them really route to the id is checked by the
 * caller.
 */
export function clientNames(kiroModelId: string): string[] {
  const hyphenated = kiroModelId.replace(/^(claude-(?:sonnet|opus|haiku)-\d+)\.(\d+)$/, '$1-$2').replace(/^claude-(\d+)\.(\d+)-(sonnet|opus|haiku)$/, 'claude-$1-$2-$3');
  return [...(hyphenated !== kiroModelId ? [hyphenated] : []), ...(DATED_NAMES.get(kiroModelId) ?? [])];
}
