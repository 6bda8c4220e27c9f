/**
 * Client stop sequences, applied to the answer text as it streams: Kiro has no such setting.
 * Text that could be the start of a stop sequence is held back until it is decided, so the
 * sequence itself never reaches the client. The answer stops where a sequence first ends, as a
 * model's own stop would (the longest one, when several end there).
 *
 * Linear in the answer: each sequence is followed by a Knuth–Morris–Pratt automaton, so every
 * character costs a constant per sequence, whatever the chunking. (Searching the held text
 * again on each chunk cost chunks × sequences × length: ten thousand sequences against a 64 KB
 * answer held the event loop for seconds; the count and length are also bounded per request.)
 */
export class StopSequenceMatcher {
  /** Text not yet emitted: at most the longest partial match. */
  private held = '';
  /** Per sequence: how many of its characters the text so far ends with. */
  private readonly states: Int32Array;
  /** Per sequence: its UTF-16 code units, and its KMP failure table. */
  private readonly codes: Int32Array[];
  private readonly failures: Int32Array[];

  constructor(private readonly sequences: readonly string[]) {
    this.states = new Int32Array(sequences.length);
    this.codes = sequences.map((sequence) => Int32Array.from(sequence, (_, i) => sequence.charCodeAt(i)));
    this.failures = this.codes.map(failureTable);
  }

  /** The text safe to emit now, and the sequence that matched (everything after it is dropped). */
  process(text: string): { emit: string; matched?: string } {
    const { states, codes, failures } = this;
    let matched = -1;
    let end = 0;
    for (let s = 0; s < codes.length; s++) {
      // One sequence over the whole chunk at a time: its automaton stays in registers. The first
      // sequence to end, earliest in the chunk (the longest at a tie), wins.
      const code = codes[s];
      const failure = failures[s];
      const length = code.length;
      const stop = matched < 0 ? text.length : end;
      let state = states[s];
      for (let i = 0; i < stop; i++) {
        const ch = text.charCodeAt(i);
        while (state > 0 && code[state] !== ch) state = failure[state - 1];
        if (code[state] === ch && ++state === length) {
          if (matched < 0 || i + 1 < end || length > codes[matched].length) {
            matched = s;
            end = i + 1;
          }
          break;
        }
      }
      states[s] = state;
    }
    if (matched >= 0) {
      const all = this.held + text.slice(0, end);
      this.held = '';
      states.fill(0);
      return { emit: all.slice(0, all.length - codes[matched].length), matched: this.sequences[matched] };
    }
    // Hold back the longest tail that is a prefix of some sequence.
    const all = this.held + text;
    let keep = 0;
    for (const state of states) keep = Math.max(keep, state);
    keep = Math.min(all.length, keep);
    this.held = all.slice(all.length - keep);
    return { emit: all.slice(0, all.length - keep) };
  }

  /** End of the answer: what was held back was not a stop sequence. */
  flush(): string {
    const held = this.held;
    this.held = '';
    this.states.fill(0);
    return held;
  }
}

/** failure[i]: the longest proper prefix of `pattern[0..i]` that is also its suffix. */
function failureTable(pattern: Int32Array): Int32Array {
  const failure = new Int32Array(pattern.length);
  for (let i = 1, k = 0; i < pattern.length; i++) {
    while (k > 0 && pattern[i] !== pattern[k]) k = failure[k - 1];
    if (pattern[i] === pattern[k]) k++;
    failure[i] = k;
  }
  return failure;
}

/** OpenAI's `stop` (a string or up to 4) and Anthropic's `stop_sequences`, as a clean list. */
export function stopSequencesFrom(raw: unknown): string[] {
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
  return list.filter((s): s is string => typeof s === 'string' && s.length > 0);
}
