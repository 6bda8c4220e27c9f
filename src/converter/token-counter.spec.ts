import { anthropicToConversation } from './anthropic/anthropic-to-conversation';
import { type Conversation, userMessage } from './conversation';
import { countConversationTokens, countTokens, countTokensBounded } from './token-counter';
import { estimateTokens } from './token-estimate';

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
  it('is exact up to 4 K characters', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(90);

    expect(countTokensBounded('Hello world')).toBe(2);
    expect(countTokensBounded(text)).toBe(countTokens(text));
  });

  it('estimates a longer text within a few percent of the tokenizer, without running it', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(10_000);

    expect(countTokensBounded(text)).toBe(Math.round(estimateTokens(text)));
    expect(Math.abs(countTokensBounded(text) / countTokens(text) - 1)).toBeLessThan(0.05);
  });

  it('reads an even sample of a text over 2 M characters and scales it', () => {
    const text = `${'const x = await fetch(url);\n'.repeat(50_000)}${'The quick brown fox jumps over the lazy dog. '.repeat(50_000)}`;

    expect(countTokensBounded(text)).not.toBe(Math.round(estimateTokens(text)));
    expect(Math.abs(countTokensBounded(text) / estimateTokens(text) - 1)).toBeLessThan(0.02);
  });
});

describe(countConversationTokens.name, () => {
  const base = anthropicToConversation({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).conversation;
  const conversation = (texts: string[]): Conversation => ({ ...base, messages: texts.map((text) => userMessage(text)) });

  it('counts a small prompt exactly', () => {
    expect(countConversationTokens(conversation(['Hello world', 'How are you?']))).toBe(countTokens('Hello world\nHow are you?'));
  });

  it('sums the estimates of the parts of a large prompt, so a resent prefix keeps its figure', () => {
    const turns = Array.from({ length: 40 }, (_, i) => `Turn ${i}: ${'some prose about the weather in Paris, and const x = f(y); '.repeat(20)}`);

    const before = countConversationTokens(conversation(turns));
    const after = countConversationTokens(conversation([...turns, 'one more question?']));

    expect(before).toBe(Math.round(turns.reduce((sum, turn) => sum + estimateTokens(turn), 0)));
    expect(after - before).toBe(Math.round(estimateTokens('one more question?')));
  });
});

describe(`${countTokens.name} on whitespace`, () => {
  it('estimates a long run of whitespace from a sample instead of one huge BPE word', () => {
    // 200,000 spaces are one pre-token: BPE over it held the event loop for hundreds of ms.
    expect(countTokens(' '.repeat(200_000))).toBe(Math.ceil((countTokens(' '.repeat(256)) * 200_000) / 256));
  });
});
