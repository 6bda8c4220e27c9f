/**
 * Client stop sequences, applied to the answer text as it streams: Kiro has no such setting.
 * Text that could be the start of a stop sequence is held back until it is decided, so the
 * sequence itself never reaches the client.
 */
export class StopSequenceMatcher {
  private held = '';
  private readonly longest: number;

  constructor(private readonly sequences: readonly string[]) {
    this.longest = Math.max(...sequences.map((s) => s.length));
  }

  /** The text safe to emit now, and the sequence that matched (everything after it is dropped). */
  process(text: string): { emit: string; matched?: string } {
    const all = this.held + text;
    let first: { at: number; sequence: string } | undefined;
    for (const sequence of this.sequences) {
      const at = all.indexOf(sequence);
      if (at >= 0 && (!first || at < first.at)) first = { at, sequence };
    }
    if (first) {
      this.held = '';
      return { emit: all.slice(0, first.at), matched: first.sequence };
    }
    // Hold back the longest tail that is a prefix of some sequence.
    let keep = 0;
    for (let length = Math.min(this.longest - 1, all.length); length > 0; length--) {
      const tail = all.slice(all.length - length);
      if (this.sequences.some((s) => s.startsWith(tail))) {
        keep = length;
        break;
      }
    }
    this.held = all.slice(all.length - keep);
    return { emit: all.slice(0, all.length - keep) };
  }

  /** End of the answer: what was held back was not a stop sequence. */
  flush(): string {
    const held = this.held;
    this.held = '';
    return held;
  }
}

/** OpenAI's `stop` (a string or up to 4) and Anthropic's `stop_sequences`, as a clean list. */
export function stopSequencesFrom(raw: unknown): string[] {
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
  return list.filter((s): s is string => typeof s === 'string' && s.length > 0);
}
