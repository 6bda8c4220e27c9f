import { Observable, OperatorFunction } from 'rxjs';
import type { AssistantEvent, FinishReason } from '../response/assistant-events';
import type { AnthropicMessageMeta, AnthropicStopReason, AnthropicStreamEvent } from './anthropic-messages.types';

export const STOP_REASON: Record<FinishReason, AnthropicStopReason> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  length: 'max_tokens',
};

type OpenBlock = { kind: 'text' | 'thinking'; index: number } | { kind: 'tool'; index: number; toolIndex: number };

/**
 * Assistant events → Anthropic's stream grammar: `message_start`, then blocks with increasing
 * indexes, never two open at once (the shared core already keeps each tool call's events
 * together), then `message_delta` and `message_stop`.
 */
export class AnthropicStreamRenderer {
  private open: OpenBlock | undefined;
  private nextIndex = 0;

  constructor(private readonly meta: AnthropicMessageMeta) {}

  start(): AnthropicStreamEvent[] {
    return [
      {
        type: 'message_start',
        message: {
          id: this.meta.id,
          type: 'message',
          role: 'assistant',
          model: this.meta.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: this.meta.inputTokensEstimate(), output_tokens: 0 },
        },
      },
      { type: 'ping' },
    ];
  }

  /** Events in the shared core's order: one tool call's events are never interleaved. */
  process(event: AssistantEvent): AnthropicStreamEvent[] {
    return this.render(event);
  }

  private render(event: AssistantEvent): AnthropicStreamEvent[] {
    switch (event.type) {
      case 'text':
        return [...this.ensureOpen('text'), { type: 'content_block_delta', index: this.open!.index, delta: { type: 'text_delta', text: event.text } }];
      case 'reasoning': {
        const out = this.ensureOpen('thinking');
        if (!this.meta.omitThinkingText) out.push({ type: 'content_block_delta', index: this.open!.index, delta: { type: 'thinking_delta', thinking: event.text } });
        return out;
      }
      case 'toolCallStart': {
        const out = this.close();
        const index = this.nextIndex++;
        this.open = { kind: 'tool', index, toolIndex: event.index };
        out.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: event.id, name: event.name, input: {} } });
        return out;
      }
      case 'toolCallDelta':
        if (this.open?.kind !== 'tool') return [];
        return [{ type: 'content_block_delta', index: this.open.index, delta: { type: 'input_json_delta', partial_json: event.argumentsDelta } }];
      case 'toolCallEnd':
        return this.close();
      case 'end':
        return [
          ...this.close(),
          {
            type: 'message_delta',
            delta: { stop_reason: event.stopSequence !== undefined ? 'stop_sequence' : STOP_REASON[event.finishReason], stop_sequence: event.stopSequence ?? null },
            usage: { input_tokens: event.usage.inputTokens, output_tokens: event.usage.outputTokens },
          },
          { type: 'message_stop' },
        ];
    }
  }

  private ensureOpen(kind: 'text' | 'thinking'): AnthropicStreamEvent[] {
    if (this.open?.kind === kind) return [];
    const out = this.close();
    const index = this.nextIndex++;
    this.open = { kind, index };
    out.push({
      type: 'content_block_start',
      index,
      content_block: kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' },
    });
    return out;
  }

  private close(): AnthropicStreamEvent[] {
    if (!this.open) return [];
    const index = this.open.index;
    this.open = undefined;
    return [{ type: 'content_block_stop', index }];
  }
}

export function toAnthropicStreamEvents(meta: AnthropicMessageMeta): OperatorFunction<AssistantEvent, AnthropicStreamEvent> {
  return (events$) =>
    new Observable<AnthropicStreamEvent>((subscriber) => {
      const renderer = new AnthropicStreamRenderer(meta);
      for (const event of renderer.start()) subscriber.next(event);
      return events$.subscribe({
        next: (event) => {
          for (const out of renderer.process(event)) subscriber.next(out);
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
