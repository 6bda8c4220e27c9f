import type { FakeReasoningHandling } from '../../config/env.schema';

/** Tags a model may open its reasoning with (K2A/JW thinking_parser, kiro-protocol.md §5 #6). */
const OPENING_TAGS = ['<thinking>', '<think>', '<reasoning>', '<thought>'];
const LONGEST_OPENING = Math.max(...OPENING_TAGS.map((tag) => tag.length));

export interface ThinkingPiece {
  kind: 'text' | 'reasoning';
  text: string;
}

/**
 * Splits streamed text into reasoning and answer. A block counts only when the response *starts*
 * with an opening tag; tags split across frames are handled by holding back just enough text.
 */
export class ThinkingParser {
  private state: 'detecting' | 'thinking' | 'answer' = 'detecting';
  private buffer = '';
  private leadingWhitespace: string[] = [];
  private closingTag = '';
  private trimNextAnswerStart = false;

  constructor(private readonly handling: FakeReasoningHandling) {}

  process(text: string): ThinkingPiece[] {
    if (this.state === 'answer') return this.answer(text);
    const out: ThinkingPiece[] = [];
    if (this.state === 'detecting') {
      if (!this.buffer) {
        // Whitespace before anything else is kept apart until a tag is found or ruled out: trimming
        // a buffer that grows by a space per chunk was quadratic in a long run of whitespace.
        const start = text.search(/\S/);
        if (start < 0) {
          this.leadingWhitespace.push(text);
          return out;
        }
        if (start > 0) this.leadingWhitespace.push(text.slice(0, start));
        text = text.slice(start);
      }
      this.buffer += text;
      const tag = OPENING_TAGS.find((candidate) => this.buffer.startsWith(candidate));
      if (tag) {
        this.state = 'thinking';
        this.closingTag = `</${tag.slice(1)}`;
        this.buffer = this.buffer.slice(tag.length);
        this.leadingWhitespace = [];
        if (this.handling === 'pass') out.push({ kind: 'text', text: tag });
      } else if (this.buffer.length < LONGEST_OPENING && OPENING_TAGS.some((candidate) => candidate.startsWith(this.buffer))) {
        return out; // could still become a tag: wait for more
      } else {
        this.state = 'answer';
        return this.answer(this.takeDetected());
      }
    } else {
      this.buffer += text;
    }
    // state === 'thinking'
    const end = this.buffer.indexOf(this.closingTag);
    if (end >= 0) {
      const reasoning = this.buffer.slice(0, end);
      const rest = this.buffer.slice(end + this.closingTag.length);
      this.buffer = '';
      this.state = 'answer';
      out.push(...this.reasoning(reasoning));
      if (this.handling === 'pass') out.push({ kind: 'text', text: this.closingTag });
      // Reasoning that left the text takes its separating blank lines with it; reasoning kept
      // as text (strip_tags) keeps them, or it would run into the answer.
      else if (this.handling !== 'strip_tags') this.trimNextAnswerStart = true;
      out.push(...this.answer(rest));
      return out;
    }
    // Hold back what could be the start of the closing tag.
    const safe = this.buffer.length - (this.closingTag.length - 1);
    if (safe > 0) {
      out.push(...this.reasoning(this.buffer.slice(0, safe)));
      this.buffer = this.buffer.slice(safe);
    }
    return out;
  }

  flush(): ThinkingPiece[] {
    if (this.state === 'detecting') {
      const rest = this.takeDetected();
      return rest ? this.answer(rest) : [];
    }
    const rest = this.buffer;
    this.buffer = '';
    if (this.state === 'thinking') return this.reasoning(rest);
    return rest ? this.answer(rest) : [];
  }

  /** Everything held while detecting, leading whitespace included: it was answer text after all. */
  private takeDetected(): string {
    const all = this.leadingWhitespace.join('') + this.buffer;
    this.leadingWhitespace = [];
    this.buffer = '';
    return all;
  }

  private reasoning(text: string): ThinkingPiece[] {
    if (!text) return [];
    switch (this.handling) {
      case 'as_reasoning_content':
        return [{ kind: 'reasoning', text }];
      case 'remove':
        return [];
      case 'pass':
      case 'strip_tags':
        return [{ kind: 'text', text }];
    }
  }

  private answer(text: string): ThinkingPiece[] {
    if (this.trimNextAnswerStart) {
      // The model separates its thinking from the answer with blank lines; they are not content.
      text = text.replace(/^\s+/, '');
      if (!text) return [];
      this.trimNextAnswerStart = false;
    }
    return text ? [{ kind: 'text', text }] : [];
  }
}
