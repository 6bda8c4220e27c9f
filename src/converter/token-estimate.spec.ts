import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { estimateTokens, pairCounts, PAIR_WEIGHTS } from './token-estimate';
import { estimatorErrors } from '../../test/support/token-corpus';

describe(estimateTokens.name, () => {
  it('stays within 3 % of the tokenizer over each corpus, and within 10 % on 95 % of its 2,000-character chunks', () => {
    const errors = estimatorErrors();

    expect(errors.map((e) => e.corpus)).toEqual(['code', 'prose', 'cjk', 'client bodies']);
    for (const e of errors) {
      expect({ corpus: e.corpus, within3: Math.abs(e.error) <= 0.03, chunksWithin10: e.chunkP95 <= 0.1 }).toEqual({ corpus: e.corpus, within3: true, chunksWithin10: true });
    }
  });

  it('is the sum of the weights of its character pairs, the first one read as if after a space', () => {
    const counts = pairCounts('Hi 日本');
    const space = 3;

    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(counts[(space << 3) | 1]).toBe(1); // space → upper: the first character
    expect(estimateTokens('Hi 日本')).toBeCloseTo(counts.reduce((sum, n, pair) => sum + n * PAIR_WEIGHTS[pair], 0), 9);
    expect(Math.round(estimateTokens('Hello world'))).toBe(countTokens('Hello world'));
  });

  it('reads only the range it is given', () => {
    expect(estimateTokens('xxxx hello world yyyy', 5, 16)).toBe(estimateTokens('hello world'));
  });
});
