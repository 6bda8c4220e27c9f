/** Parts shorter than this are counted again: cheaper than remembering them. */
const MIN_CACHED_CHARS = 1024;

/**
 * Counts of the long parts of prompts (a system prompt, a tool result, a tool's schema), by their
 * text. An agent resends its whole conversation on every turn, so all but the newest parts were
 * counted the turn before: a lookup (hashing the string, natively) instead of the estimate
 * (a JavaScript pass over every character). Bounded by the characters it keeps, least recently
 * used first out; a text over a quarter of that bound is never kept.
 */
export class TokenCountCache {
  private readonly counts = new Map<string, number>();
  private chars = 0;

  constructor(private readonly maxChars = 4 * 1024 * 1024) {}

  /** The count of `text` by `count`, remembered when the text is long enough to be worth it. */
  countOf(text: string, count: (text: string) => number): number {
    if (text.length < MIN_CACHED_CHARS || text.length > this.maxChars / 4) return count(text);
    const known = this.counts.get(text);
    if (known !== undefined) {
      this.counts.delete(text);
      this.counts.set(text, known);
      return known;
    }
    const counted = count(text);
    this.counts.set(text, counted);
    this.chars += text.length;
    for (const oldest of this.counts.keys()) {
      if (this.chars <= this.maxChars) break;
      this.counts.delete(oldest);
      this.chars -= oldest.length;
    }
    return counted;
  }

  /** Characters held, for tests and the bound. */
  get heldChars(): number {
    return this.chars;
  }
}
