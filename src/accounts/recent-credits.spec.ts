import { RecentCredits } from './recent-credits';

describe(RecentCredits.name, () => {
  it('knows nothing of a model before its first metered answer', () => {
    expect(new RecentCredits().mean('claude-sonnet-4.5')).toBeUndefined();
  });

  it('averages the last answers of each model, forgetting the oldest past its window', () => {
    const recent = new RecentCredits(3);
    for (const credits of [0.1, 0.2, 0.3]) recent.record('claude-sonnet-4.5', credits);
    recent.record('claude-opus-4.5', 1);

    expect(recent.mean('claude-sonnet-4.5')).toBe(0.2);
    recent.record('claude-sonnet-4.5', 0.7);
    expect(recent.mean('claude-sonnet-4.5')).toBe(0.4);
    expect(recent.mean('claude-opus-4.5')).toBe(1);
  });

  it('ignores answers that cost nothing or nonsense, and keeps at most its number of models', () => {
    const recent = new RecentCredits(20, 2);
    recent.record('a', 0);
    recent.record('a', Number.NaN);
    recent.record('b', 0.5);
    recent.record('c', 0.25);
    recent.record('d', 0.125);

    expect(recent.mean('a')).toBeUndefined();
    expect(recent.mean('b')).toBeUndefined();
    expect([recent.mean('c'), recent.mean('d')]).toEqual([0.25, 0.125]);
  });
});
