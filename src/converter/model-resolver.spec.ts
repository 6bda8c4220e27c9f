import { resolveModel } from './model-resolver';

describe(resolveModel.name, () => {
  it.each([
    ['claude-sonnet-4.5', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5', 'claude-sonnet-4.5'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4.5'],
    ['claude-haiku-4.5', 'claude-haiku-4.5'],
    ['claude-opus-4-6[1m]', 'claude-opus-4.6'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-sonnet-4', 'claude-sonnet-4'],
    ['claude-3-7-sonnet-20250219', 'claude-3.7-sonnet'],
    ['claude-4.5-opus-high', 'claude-opus-4.5'],
    ['auto', 'auto'],
    ['auto-kiro', 'auto'],
    ['CLAUDE_SONNET_4_20250514_V1_0', 'CLAUDE_SONNET_4_20250514_V1_0'],
    ['deepseek-3.2', 'deepseek-3.2'],
    ['Claude-Sonnet-4-5', 'claude-sonnet-4.5'],
  ])('resolves %s to %s', (requested, kiroModelId) => {
    expect(resolveModel(requested)).toEqual({ requested, kiroModelId, slow: kiroModelId.includes('opus') });
  });

  it('marks Opus models slow and the others not', () => {
    expect(resolveModel('claude-opus-4-5').slow).toBe(true);
    expect(resolveModel('claude-sonnet-4-5').slow).toBe(false);
  });
});
