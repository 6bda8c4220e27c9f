import type { AssistantEvent, ToolCallEvent } from '../../converter/assistant/assistant-events';

/**
 * What one response has already sent to its client: the answer text, whether reasoning went out,
 * and the whole tool calls. A resume re-asks Kiro with this as the assistant's partial turn.
 *
 * Bounded by what was streamed, and by `maxChars` on top: past it the turn is no longer
 * `resumable` and the text stops growing (a response that long is better failed than re-sent
 * whole as a prompt, which Kiro would refuse as too long anyway).
 */
export class PartialTurn {
  private answer = '';
  private overflow = false;
  private reasoningSent = false;
  private readonly calls: ToolCallEvent[] = [];

  constructor(private readonly maxChars: number) {}

  /** Notes one event on its way to the client. */
  record(event: AssistantEvent): void {
    switch (event.type) {
      case 'text':
        if (this.answer.length + event.text.length > this.maxChars) this.overflow = true;
        else this.answer += event.text;
        return;
      case 'reasoning':
        this.reasoningSent = true;
        return;
      case 'toolCall':
        if (this.calls.length >= MAX_TOOL_CALLS) this.overflow = true;
        else this.calls.push(event);
        return;
      case 'end':
        return;
    }
  }

  /** The answer text sent so far. */
  get text(): string {
    return this.answer;
  }

  get toolCalls(): readonly ToolCallEvent[] {
    return this.calls;
  }

  /** Nothing reached the client yet: a failure can be retried as if it never happened. */
  get empty(): boolean {
    return !this.reasoningSent && this.answer === '' && this.calls.length === 0 && !this.overflow;
  }

  /** Only reasoning went out: the continuation may think again, into the same reasoning block. */
  get answerStarted(): boolean {
    return this.answer !== '' || this.calls.length > 0 || this.overflow;
  }

  get resumable(): boolean {
    return !this.overflow;
  }
}

/** Far beyond any real turn (Claude Code sends a handful of parallel calls); keeps the list bounded. */
const MAX_TOOL_CALLS = 256;
