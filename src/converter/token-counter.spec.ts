import { countTokens, countTokensBounded, countTokensSampled } from './token-counter';

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

describe(countTokensSampled.name, () => {
  it('is exact for texts up to 32 K characters', () => {
    const text = 'The gateway counts tokens. '.repeat(1_000);

    expect(countTokensSampled(text)).toBe(countTokens(text));
  });

  it('estimates a large mixed text within a few percent, from samples spread over it', () => {
    const text = `${'Some prose about the weather in Paris. '.repeat(20_000)}${'const x = await fetch(url);\n'.repeat(30_000)}`;

    expect(countTokensSampled(text) / countTokens(text)).toBeGreaterThan(0.95);
    expect(countTokensSampled(text) / countTokens(text)).toBeLessThan(1.05);
  });
});

describe(`${countTokens.name} on whitespace`, () => {
  it('estimates a long run of whitespace from a sample instead of one huge BPE word', () => {
    // 200,000 spaces are one pre-token: BPE over it held the event loop for hundreds of ms.
    expect(countTokens(' '.repeat(200_000))).toBe(Math.ceil((countTokens(' '.repeat(256)) * 200_000) / 256));
  });
});
