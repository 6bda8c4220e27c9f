import { resolveThinkingBudget, thinkingForReasoningEffort } from './thinking-budget';

const on = { enabled: true, maxTokens: 4000 };

describe(resolveThinkingBudget.name, () => {
  it('uses the configured budget when the request says nothing', () => {
    expect(resolveThinkingBudget(undefined, on)).toBe(4000);
  });

  it.each([
    [{ kind: 'off' as const }, undefined],
    [{ kind: 'budget' as const, tokens: 5000 }, 5000],
    [{ kind: 'budget' as const, tokens: 90_000 }, 32_000],
    [{ kind: 'effort' as const, effort: 'low' as const }, 2000],
    [{ kind: 'effort' as const, effort: 'medium' as const }, 4000],
    [{ kind: 'effort' as const, effort: 'high' as const }, 16_000],
    [{ kind: 'effort' as const, effort: 'max' as const }, 32_000],
  ])('resolves %j to %s', (request, budget) => {
    expect(resolveThinkingBudget(request, on)).toBe(budget);
  });

  it('gives no thinking at all when FAKE_REASONING is off', () => {
    expect(resolveThinkingBudget({ kind: 'budget', tokens: 5000 }, { enabled: false, maxTokens: 4000 })).toBeUndefined();
  });
});

describe(thinkingForReasoningEffort.name, () => {
  it.each([
    [undefined, undefined],
    ['none', { kind: 'off' }],
    ['minimal', { kind: 'off' }],
    ['low', { kind: 'effort', effort: 'low' }],
    ['high', { kind: 'effort', effort: 'high' }],
    ['xhigh', { kind: 'effort', effort: 'max' }],
  ])('maps %s to %j', (effort, request) => {
    expect(thinkingForReasoningEffort(effort)).toEqual(request);
  });

  it('refuses an effort it does not know', () => {
    expect(() => thinkingForReasoningEffort('extreme')).toThrow(/reasoning effort/);
  });
});
