import { InvalidRequestError } from '../common/errors';
import type { ThinkingEffort, ThinkingRequest } from './conversation';

/** Thinking budgets by effort; `medium` is the configured FAKE_REASONING_MAX_TOKENS. */
const EFFORT_BUDGET: Record<Exclude<ThinkingEffort, 'medium'>, number> = { low: 2_000, high: 16_000, max: 32_000 };
/** The largest budget asked of Kiro, whatever a client sends. */
const MAX_BUDGET = 32_000;

/**
 * The thinking budget for a call, or undefined for none: FAKE_REASONING off disables thinking
 * everywhere; otherwise the request decides, and no request means the configured default.
 */
export function resolveThinkingBudget(request: ThinkingRequest | undefined, settings: { enabled: boolean; maxTokens: number }): number | undefined {
  if (!settings.enabled) return undefined;
  if (!request) return settings.maxTokens;
  switch (request.kind) {
    case 'off':
      return undefined;
    case 'budget':
      return Math.min(Math.max(1, request.tokens), MAX_BUDGET);
    case 'effort':
      return request.effort === 'medium' ? settings.maxTokens : EFFORT_BUDGET[request.effort];
  }
}

/** OpenAI's `reasoning_effort`: `none`/`minimal` switch thinking off, `xhigh` is the largest. */
export function thinkingForReasoningEffort(effort: unknown): ThinkingRequest | undefined {
  if (effort === undefined || effort === null) return undefined;
  if (effort === 'none' || effort === 'minimal') return { kind: 'off' };
  if (effort === 'xhigh') return { kind: 'effort', effort: 'max' };
  if (isEffort(effort)) return { kind: 'effort', effort };
  throw new InvalidRequestError('The reasoning effort must be none, minimal, low, medium, high or xhigh.', 'reasoning.effort');
}

export function isEffort(value: unknown): value is ThinkingEffort {
  return value === 'low' || value === 'medium' || value === 'high' || value === 'max';
}
