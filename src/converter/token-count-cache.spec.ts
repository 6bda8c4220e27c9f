import type { Conversation } from './conversation';
import { TokenCountCache } from './token-count-cache';
import { countConversationTokens } from './token-counter';

describe(TokenCountCache.name, () => {
  const text = (n: number, c = 'a') => c.repeat(n);

  it('counts a long text once, then answers from memory, also for an equal string built anew', () => {
    const cache = new TokenCountCache(1_000_000);
    const count = jest.fn((t: string) => t.length / 4);

    expect(cache.countOf(text(4000), count)).toBe(1000);
    expect(cache.countOf(['a'.repeat(2000), 'a'.repeat(2000)].join(''), count)).toBe(1000);
    expect(count).toHaveBeenCalledTimes(1);
  });

  it("keys texts past V8's length-only string hash by a digest: same-length texts stay apart, equal ones meet", () => {
    const cache = new TokenCountCache(1_000_000);
    const count = jest.fn((t: string) => (t.endsWith('b') ? 2 : 1));
    const prefix = 'x'.repeat(20_000);

    expect(cache.countOf(`${prefix}a`, count)).toBe(1);
    expect(cache.countOf(`${prefix}b`, count)).toBe(2);
    expect(cache.countOf(['x'.repeat(10_000), 'x'.repeat(10_000), 'a'].join(''), count)).toBe(1);
    expect(count).toHaveBeenCalledTimes(2);
    expect(cache.heldChars).toBe(40_002);
  });

  it('never keeps short texts or texts over a quarter of its bound', () => {
    const cache = new TokenCountCache(16_000);
    const count = jest.fn(() => 1);

    cache.countOf(text(100), count);
    cache.countOf(text(100), count);
    cache.countOf(text(5000), count);
    cache.countOf(text(5000), count);

    expect(count).toHaveBeenCalledTimes(4);
    expect(cache.heldChars).toBe(0);
  });

  it('stays within its bound, dropping the least recently used first', () => {
    const cache = new TokenCountCache(10_000);
    const count = jest.fn(() => 1);
    const [a, b, c] = [text(2000, 'a'), text(2000, 'b'), text(2000, 'c')];
    cache.countOf(a, count);
    cache.countOf(b, count);
    cache.countOf(c, count);
    cache.countOf(a, count); // a is now the most recent: b goes first
    for (const filler of ['d', 'e', 'f']) cache.countOf(text(2000, filler), count);

    expect(cache.heldChars).toBeLessThanOrEqual(10_000);
    count.mockClear();
    cache.countOf(a, count);
    cache.countOf(b, count);
    expect(count).toHaveBeenCalledTimes(1); // b was dropped, a kept
  });
});

describe('countConversationTokens with a cache', () => {
  const big = (turns: number): Conversation =>
    ({
      system: ['You are an agent. '.repeat(200)],
      messages: Array.from({ length: turns }, (_, i) => ({ role: 'user', text: `turn ${i}: ${'some tool output, line by line\n'.repeat(80)}`, toolResults: [], images: [] })),
      tools: [],
    }) as unknown as Conversation;

  it('gives exactly the figure it gives without one, on every turn of a growing conversation', () => {
    const cache = new TokenCountCache();
    for (const turns of [1, 2, 3, 10]) {
      expect(countConversationTokens(big(turns), cache)).toBe(countConversationTokens(big(turns)));
    }
    expect(cache.heldChars).toBeGreaterThan(0);
  });
});
