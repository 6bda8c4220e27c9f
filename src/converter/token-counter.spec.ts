import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The tokenizer the estimate stands in for: a cross-check only, never loaded by the gateway.
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { anthropicToConversation } from './anthropic/anthropic-to-conversation';
import { type Conversation, userMessage } from './conversation';
import { countConversationTokens, countTokens } from './token-counter';
import { estimateTokens } from './token-estimate';

const CORPUS = join(__dirname, '..', '..', 'test', 'fixtures', 'token-corpus');

/** `count` pieces of `length` characters spread over each corpus text. */
function pieces(length: number, count = 200): string[] {
  return ['code', 'prose', 'cjk'].flatMap((name) => {
    const text = readFileSync(join(CORPUS, `${name}.txt`), 'utf8');
    return Array.from({ length: count }, (_, i) => {
      const at = Math.floor((i / count) * (text.length - length));
      return text.slice(at, at + length);
    });
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

describe(countTokens.name, () => {
  it('is 0 for no text and at least 1 for any', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens(' ')).toBe(1);
    expect(countTokens('hi')).toBe(1);
  });

  it('matches the tokenizer on short everyday prompts', () => {
    for (const text of ['Hello world', 'Say something.', 'What is 2+2?', 'The capital of France is Paris.', 'Hello from the simulator, a short reply.']) {
      expect({ text, count: countTokens(text) }).toEqual({ text, count: cl100k(text) });
    }
  });

  // Short texts count few tokens: the error is one or two tokens, a large share of a small count.
  it.each([
    [32, 0.3, 4],
    [128, 0.17, 10],
    [512, 0.1, 25],
    [2048, 0.05, 50],
  ])('stays close to the tokenizer on %i-character pieces of code, prose and CJK (95 %% within %f or %i tokens)', (length, share, tokens) => {
    const misses = pieces(length).map((text) => {
      const exact = cl100k(text);
      return Math.min(Math.abs(countTokens(text) - exact) / exact, Math.abs(countTokens(text) - exact) <= tokens ? 0 : Infinity);
    });

    expect(quantile(misses, 0.95)).toBeLessThanOrEqual(share);
  });

  it('estimates a long text in one pass, and reads an even sample of one over 2 M characters', () => {
    const prose = 'The quick brown fox jumps over the lazy dog. '.repeat(10_000);
    const mixed = `${'const x = await fetch(url);\n'.repeat(50_000)}${prose.repeat(5)}`;

    expect(countTokens(prose)).toBe(Math.round(estimateTokens(prose)));
    expect(Math.abs(countTokens(prose) / cl100k(prose) - 1)).toBeLessThan(0.05);
    expect(countTokens(mixed)).not.toBe(Math.round(estimateTokens(mixed)));
    expect(Math.abs(countTokens(mixed) / estimateTokens(mixed) - 1)).toBeLessThan(0.02);
  });
});

describe(countConversationTokens.name, () => {
  const base = anthropicToConversation({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).conversation;
  const conversation = (texts: string[]): Conversation => ({ ...base, messages: texts.map((text) => userMessage(text)) });

  it('counts a small prompt as the tokenizer does', () => {
    expect(countConversationTokens(conversation(['Hello world', 'How are you?']))).toBe(cl100k('Hello world') + cl100k('How are you?'));
  });

  it('sums the estimates of the parts of a prompt, so a resent prefix keeps its figure', () => {
    const turns = Array.from({ length: 40 }, (_, i) => `Turn ${i}: ${'some prose about the weather in Paris, and const x = f(y); '.repeat(20)}`);

    const before = countConversationTokens(conversation(turns));
    const after = countConversationTokens(conversation([...turns, 'one more question?']));

    expect(before).toBe(Math.round(turns.reduce((sum, turn) => sum + estimateTokens(turn), 0)));
    expect(after - before).toBe(Math.round(estimateTokens('one more question?')));
    expect(Math.abs(before / cl100k(turns.join('')) - 1)).toBeLessThan(0.1);
  });
});

describe(`${countTokens.name} on whitespace and runs without it`, () => {
  it('counts 200,000 spaces or x-es in linear time (BPE over one such pre-token held the loop for seconds)', () => {
    const started = performance.now();
    const spaces = countTokens(' '.repeat(200_000));
    const letters = countTokens('x'.repeat(300_000));

    expect(spaces).toBeGreaterThan(0);
    expect(letters).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
