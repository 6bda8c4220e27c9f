import type { AssistantEvent } from './assistant-events';

/**
 * Puts one tool call's events together: while a call is open (started, not ended), everything
 * else — another call's events, text — waits until it ends. Kiro may interleave two calls; the
 * Anthropic and Responses grammars allow one open block or item at a time, and OpenAI clients
 * read indexed deltas either way, so this happens once, in the shared core.
 */
export class ToolCallSequencer {
  private open: number | undefined;
  private readonly held: AssistantEvent[] = [];

  process(event: AssistantEvent): AssistantEvent[] {
    if (this.open === undefined) {
      if (event.type === 'toolCallStart') this.open = event.index;
      return [event];
    }
    // The end of the answer releases everything (every call has ended by then).
    if (event.type === 'end') return [...this.release(), event];
    const ofOpenCall = (event.type === 'toolCallDelta' || event.type === 'toolCallEnd') && event.index === this.open;
    if (!ofOpenCall) {
      this.held.push(event);
      return [];
    }
    if (event.type !== 'toolCallEnd') return [event];
    return [event, ...this.release()];
  }

  private release(): AssistantEvent[] {
    this.open = undefined;
    const out: AssistantEvent[] = [];
    for (const event of this.held.splice(0)) out.push(...this.process(event));
    return out;
  }
}
