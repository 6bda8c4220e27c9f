import { createHash } from 'node:crypto';

/** Parts shorter than this are counted again: cheaper than remembering them. */
const MIN_CACHED_CHARS = 1024;
/**
 * V8 hashes a string of more than 16,383 characters by its length alone, so long texts of one
 * length would share a Map bucket and every lookup would compare them all: those are keyed by a
 * digest instead (native, linear, and the same for equal texts).
 */
const LONGEST_TEXT_KEY = 16_383;

/**
 * Counts of the long parts of prompts (a system prompt, a tool result, a tool's schema), by their
 * text. An agent resends its whole conversation on every turn, so all but the newest parts were
 * counted the turn before: a lookup (hashing the string, natively) instead of the estimate
 * (a JavaScript pass over every character). Bounded by the characters it keeps, least recently
 * used first out; a text over a quarter of that bound is never kept.
 */
export class TokenCountCache {
  /** By key (the text, or the digest of a long one): the count, and the characters it stands for. */
  private readonly counts = new Map<string, { tokens: number; chars: number }>();
  private chars = 0;

  constructor(private readonly maxChars = 4 * 1024 * 1024) {}

  /** The count of `text` by `count`, remembered when the text is long enough to be worth it. */
  countOf(text: string, count: (text: string) => number): number {
    if (text.length < MIN_CACHED_CHARS || text.length > this.maxChars / 4) return count(text);
    const key = text.length > LONGEST_TEXT_KEY ? `#${createHash('sha256').update(text).digest('base64')}` : text;
    const known = this.counts.get(key);
    if (known !== undefined) {
      this.counts.delete(key);
      this.counts.set(key, known);
      return known.tokens;
    }
    const tokens = count(text);
    this.counts.set(key, { tokens, chars: text.length });
    this.chars += text.length;
    for (const [oldest, entry] of this.counts) {
      if (this.chars <= this.maxChars) break;
      this.counts.delete(oldest);
      this.chars -= entry.chars;
    }
    return tokens;
  }

  /** Characters counted by the entries held, for tests and the bound. */
  get heldChars(): number {
    return this.chars;
  }
}
