/**
 * Drops what a continuation restates of the answer already sent. Asked to go on from a partial
 * turn, a model often starts by repeating its last words, or the whole reply when it was short.
 *
 * The continuation's first text is held until it is as long as the `tail` of the sent answer it
 * is compared with (or until anything else comes: a tool call, the end); then its longest prefix
 * that is also a suffix of the tail is dropped, if it is at least `minOverlap` characters long
 * (shorter matches are as likely to be coincidence: a space, a full stop), or the whole answer
 * sent when that is shorter. One prefix-function
 * pass over `held + tail`: linear, and bounded by twice the tail.
 */
export class OverlapTrimmer {
  private readonly tail: string;
  private held = '';
  private decided = false;

  constructor(sentText: string, tailChars = 1024, private readonly minOverlap = 12) {
    this.tail = sentText.slice(-tailChars);
    this.decided = this.tail.length === 0;
  }

  /** The continuation's next text: what may go to the client now. */
  process(text: string): string {
    if (this.decided) return text;
    this.held += text;
    return this.held.length >= this.tail.length ? this.decide() : '';
  }

  /** Anything but text comes, or the continuation ends: release what is held. */
  flush(): string {
    return this.decided ? '' : this.decide();
  }

  private decide(): string {
    this.decided = true;
    const held = this.held;
    this.held = '';
    const overlap = longestPrefixThatEndsText(held.slice(0, this.tail.length), this.tail);
    return overlap >= Math.min(this.minOverlap, this.tail.length) ? held.slice(overlap) : held;
  }
}

/** The length of the longest prefix of `prefixOf` that `text` ends with (KMP prefix function). */
export function longestPrefixThatEndsText(prefixOf: string, text: string): number {
  if (prefixOf === '' || text === '') return 0;
  // Over `prefixOf + \0 + text`: the prefix function at the end is the longest border, and the
  // separator keeps it within `prefixOf`.
  const joined = `${prefixOf}\u0000${text}`;
  const border = new Int32Array(joined.length);
  for (let i = 1; i < joined.length; i++) {
    let k = border[i - 1];
    while (k > 0 && joined[i] !== joined[k]) k = border[k - 1];
    if (joined[i] === joined[k]) k++;
    border[i] = k;
  }
  return border[joined.length - 1];
}
