const MARKER = '[Called ';
const ARGS = ' with args: ';
/** A written-out call longer than this is not a call: give the text back. */
const MAX_HELD = 256 * 1024;

export type BracketPiece = { kind: 'text'; text: string } | { kind: 'call'; name: string; arguments: string };

/**
 * Claude on Kiro sometimes writes a tool call as text, `[Called NAME with args: {...}]`
 * (kiro-protocol.md §5 #5). Such calls become real tool calls and leave the visible text, in
 * streams too: text that could be the start of one is held back until it is decided.
 */
export class BracketToolCallExtractor {
  private held = '';

  constructor(private readonly isTool: (name: string) => boolean) {}

  process(text: string): BracketPiece[] {
    this.held += text;
    const out: BracketPiece[] = [];
    for (;;) {
      const start = this.held.indexOf('[');
      if (start < 0) {
        this.emitText(out, this.held);
        this.held = '';
        return out;
      }
      this.emitText(out, this.held.slice(0, start));
      this.held = this.held.slice(start);
      const verdict = this.parse(this.held);
      if (verdict.kind === 'pending') {
        if (this.held.length > MAX_HELD) {
          this.emitText(out, this.held);
          this.held = '';
        }
        return out;
      }
      if (verdict.kind === 'call') {
        out.push({ kind: 'call', name: verdict.name, arguments: verdict.arguments });
        this.held = this.held.slice(verdict.length);
      } else {
        this.emitText(out, '[');
        this.held = this.held.slice(1);
      }
    }
  }

  flush(): BracketPiece[] {
    const out: BracketPiece[] = [];
    this.emitText(out, this.held);
    this.held = '';
    return out;
  }

  private emitText(out: BracketPiece[], text: string): void {
    if (!text) return;
    const last = out[out.length - 1];
    if (last?.kind === 'text') last.text += text;
    else out.push({ kind: 'text', text });
  }

  /** Reads a call at the start of `text`: decided (call or not) or still pending. */
  private parse(text: string): { kind: 'pending' } | { kind: 'text' } | { kind: 'call'; name: string; arguments: string; length: number } {
    if (text.length < MARKER.length) return MARKER.startsWith(text) ? { kind: 'pending' } : { kind: 'text' };
    if (!text.startsWith(MARKER)) return { kind: 'text' };
    const argsAt = text.indexOf(ARGS, MARKER.length);
    if (argsAt < 0) {
      const name = text.slice(MARKER.length);
      return /^[A-Za-z0-9_.:-]{0,128}( ?w?i?t?h? ?a?r?g?s?:?)?$/.test(name) ? { kind: 'pending' } : { kind: 'text' };
    }
    const name = text.slice(MARKER.length, argsAt);
    if (!this.isTool(name)) return { kind: 'text' };
    const jsonStart = argsAt + ARGS.length;
    if (text.length <= jsonStart) return { kind: 'pending' };
    if (text[jsonStart] !== '{') return { kind: 'text' };
    const jsonEnd = endOfObject(text, jsonStart);
    if (jsonEnd === undefined) return { kind: 'pending' };
    const rest = text.slice(jsonEnd);
    const close = /^\s*\]/.exec(rest);
    if (!close) return rest.trim() === '' ? { kind: 'pending' } : { kind: 'text' };
    const args = text.slice(jsonStart, jsonEnd);
    try {
      JSON.parse(args);
    } catch {
      return { kind: 'text' };
    }
    return { kind: 'call', name, arguments: args, length: jsonEnd + close[0].length };
  }
}

/** Index just past the JSON object starting at `from`, or undefined while it is unfinished. */
function endOfObject(text: string, from: number): number | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i + 1;
  }
  return undefined;
}
