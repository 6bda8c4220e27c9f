import { countTokens, countTokensBounded } from './token-counter';

describe(countTokens.name, () => {
  it('counts ordinary text exactly', () => {
    expect(countTokens('Hello world')).toBe(2);
    expect(countTokens('')).toBe(0);
  });

  it('estimates a long run without whitespace by its size instead of running BPE on it', () => {
    // Exact BPE would merge the x's into multi-character tokens (and take quadratic time).
    expect(countTokens('x'.repeat(300_000))).toBe(100_000);
  });
});

describe(countTokensBounded.name, () => {
  it('is exact for short text', () => {
    expect(countTokensBounded('Hello world')).toBe(2);
  });

  it('extrapolates a long text from its first 64 KB', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(10_000);

    expect(countTokensBounded(text)).toBe(Math.round((countTokens(text.slice(0, 65_536)) * text.length) / 65_536));
    expect(Math.abs(countTokensBounded(text) - countTokens(text)) / countTokens(text)).toBeLessThan(0.01);
  });
});
