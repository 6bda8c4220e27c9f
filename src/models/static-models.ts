/**
 * The models offered without asking Kiro (the Python service's list, plus the dotted ids Kiro
 * uses now). `GET /v1/models` merges these with Kiro's live catalog.
 */
export interface StaticModel {
  id: string;
  maxInputTokens: number;
}

const WINDOW_200K = 200_000;
const WINDOW_1M = 1_000_000;

export const STATIC_MODELS: readonly StaticModel[] = [
  { id: 'auto', maxInputTokens: WINDOW_200K },
  { id: 'claude-sonnet-4.5', maxInputTokens: WINDOW_200K },
  { id: 'claude-sonnet-4-5', maxInputTokens: WINDOW_200K },
  { id: 'claude-sonnet-4-5-20250929', maxInputTokens: WINDOW_200K },
  { id: 'claude-sonnet-4.6', maxInputTokens: WINDOW_1M },
  { id: 'claude-sonnet-4', maxInputTokens: WINDOW_200K },
  { id: 'claude-sonnet-4-20250514', maxInputTokens: WINDOW_200K },
  { id: 'claude-haiku-4.5', maxInputTokens: WINDOW_200K },
  { id: 'claude-haiku-4-5', maxInputTokens: WINDOW_200K },
  { id: 'claude-haiku-4-5-20251001', maxInputTokens: WINDOW_200K },
  { id: 'claude-opus-4.5', maxInputTokens: WINDOW_200K },
  { id: 'claude-opus-4-5', maxInputTokens: WINDOW_200K },
  { id: 'claude-opus-4-5-20251101', maxInputTokens: WINDOW_200K },
  { id: 'claude-opus-4.6', maxInputTokens: WINDOW_1M },
  { id: 'claude-3-7-sonnet-20250219', maxInputTokens: WINDOW_200K },
];

export const DEFAULT_MAX_INPUT_TOKENS = WINDOW_200K;
