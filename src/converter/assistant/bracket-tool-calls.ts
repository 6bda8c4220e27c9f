const MARKER = '[Called ';
const ARGS = ' with args: ';
/** A written-out call longer than this is not a call: give the text back. */
const MAX_HELD = 256 * 1024;
const WHITESPACE_ONLY = /^\s*$/;
const NAME_SO_FAR = /^[A-Za-z0-9_.:-]{0,128}( ?w?i?t?h? ?a?r?g?s?:?)?$/;

export type BracketPiece = { kind: 'text'; text: string } | { kind: 'call'; name: string; arguments: string };

/** Where the scan of the held candidate's JSON object stands, so each chunk is read once. */
interface JsonScan {
  name: string;
  start: number;
  depth: number;
  inString: boolean;
  escaped: boolean;
  /** Index just past the object, once it closed. */
  end?: number;
}

type Verdict = { kind: 'pending' } | { kind: 'text' } | { kind: 'call'; name: string; arguments: string; length: number };

/**
 * Claude on Kiro sometimes writes a tool call as text, `[Called NAME with args: {...}]`
 * (kiro-protocol.md §5 #5). Such calls become real tool calls and leave the visible text, in
 * streams too: text that could be the start of one is held back until it is decided. The JSON
 * scan resumes where it stopped, so a long held call costs linear time, not quadratic.
 */
export class BracketToolCallExtractor {
  private held = '';
  private scan: JsonScan | undefined;

  constructor(private readonly isTool: (name: string) => boolean) {}

  process(text: string): BracketPiece[] {
    const out: BracketPiece[] = [];
    if (this.scan && this.scan.end === undefined) {
      // Mid-object: read only the new text (indexing the long held string would copy it).
      const offset = this.held.length;
      this.held += text;
      advance(this.scan, text, offset);
      if (this.scan.end === undefined) return this.overflow(out);
    } else if (this.scan?.end !== undefined && WHITESPACE_ONLY.test(text)) {
      // The object closed and only whitespace followed so far: still waiting for the `]`. Deciding
      // again would slice and trim the whole held text on every chunk (quadratic in the spaces).
      this.held += text;
      return this.overflow(out);
    } else {
      this.held += text;
    }
    for (;;) {
      if (!this.scan && !this.held.startsWith('[')) {
        const start = this.held.indexOf('[');
        this.emitText(out, start < 0 ? this.held : this.held.slice(0, start));
        this.held = start < 0 ? '' : this.held.slice(start);
        this.scan = undefined;
        if (start < 0) return out;
      }
      const verdict = this.decide();
      if (verdict.kind === 'pending') return this.overflow(out);
      this.scan = undefined;
      if (verdict.kind === 'call') {
        out.push({ kind: 'call', name: verdict.name, arguments: verdict.arguments });
        this.held = this.held.slice(verdict.length);
      } else {
        this.emitText(out, '[');
        this.held = this.held.slice(1);
      }
    }
  }

  /** Held text that grew past MAX_HELD was never a call: give it back. */
  private overflow(out: BracketPiece[]): BracketPiece[] {
    if (this.held.length > MAX_HELD) {
      this.emitText(out, this.held);
      this.held = '';
      this.scan = undefined;
    }
    return out;
  }

  flush(): BracketPiece[] {
    const out: BracketPiece[] = [];
    this.emitText(out, this.held);
    this.held = '';
    this.scan = undefined;
    return out;
  }

  private emitText(out: BracketPiece[], text: string): void {
    if (!text) return;
    const last = out[out.length - 1];
    if (last?.kind === 'text') last.text += text;
    else out.push({ kind: 'text', text });
  }

  /** Decides whether the held text (starting with `[`) is a written-out call. */
  private decide(): Verdict {
    const text = this.held;
    if (!this.scan) {
      if (text.length < MARKER.length) return MARKER.startsWith(text) ? { kind: 'pending' } : { kind: 'text' };
      if (!text.startsWith(MARKER)) return { kind: 'text' };
      const argsAt = text.indexOf(ARGS, MARKER.length);
      if (argsAt < 0) return NAME_SO_FAR.test(text.slice(MARKER.length)) ? { kind: 'pending' } : { kind: 'text' };
      const name = text.slice(MARKER.length, argsAt);
      if (!this.isTool(name)) return { kind: 'text' };
      const start = argsAt + ARGS.length;
      if (text.length <= start) return { kind: 'pending' };
      if (text[start] !== '{') return { kind: 'text' };
      this.scan = { name, start, depth: 0, inString: false, escaped: false };
      advance(this.scan, text.slice(start), start);
    }
    const scan = this.scan;
    if (scan.end === undefined) return { kind: 'pending' };
    const rest = text.slice(scan.end);
    const close = /^\s*\]/.exec(rest);
    if (!close) return rest.trim() === '' ? { kind: 'pending' } : { kind: 'text' };
    const args = text.slice(scan.start, scan.end);
    try {
      JSON.parse(args);
    } catch {
      return { kind: 'text' };
    }
    return { kind: 'call', name: scan.name, arguments: args, length: scan.end + close[0].length };
  }
}

/** Continues the brace scan over `chunk`, which starts at `offset` in the held text. */
function advance(scan: JsonScan, chunk: string, offset: number): void {
  for (let i = 0; i < chunk.length; i++) {
    const ch = chunk[i];
    if (scan.inString) {
      if (scan.escaped) scan.escaped = false;
      else if (ch === '\\') scan.escaped = true;
      else if (ch === '"') scan.inString = false;
    } else if (ch === '"') scan.inString = true;
    else if (ch === '{') scan.depth++;
    else if (ch === '}' && --scan.depth === 0) {
      scan.end = offset + i + 1;
      return;
    }
  }
}
