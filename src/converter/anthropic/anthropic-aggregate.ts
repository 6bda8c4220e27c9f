import type { AssistantEvent } from '../response/assistant-events';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicMessageMeta } from './anthropic-messages.types';
import { STOP_REASON } from './anthropic-stream';

/** All assistant events of one response → one non-stream Anthropic `message`. */
export function aggregateAnthropicMessage(meta: AnthropicMessageMeta, events: AssistantEvent[]): AnthropicMessage {
  const content: AnthropicContentBlock[] = [];
  const tools = new Map<number, Extract<AnthropicContentBlock, { type: 'tool_use' }>>();
  let end: Extract<AssistantEvent, { type: 'end' }> | undefined;
  for (const event of events) {
    const last = content[content.length - 1];
    switch (event.type) {
      case 'text':
        if (last?.type === 'text') last.text += event.text;
        else content.push({ type: 'text', text: event.text });
        break;
      case 'reasoning': {
        const text = meta.omitThinkingText ? '' : event.text;
        if (last?.type === 'thinking') last.thinking += text;
        else content.push({ type: 'thinking', thinking: text, signature: '' });
        break;
      }
      case 'toolCallStart': {
        const block = { type: 'tool_use' as const, id: event.id, name: event.name, input: {} };
        tools.set(event.index, block);
        content.push(block);
        break;
      }
      case 'toolCallEnd': {
        const block = tools.get(event.index);
        if (block) block.input = JSON.parse(event.arguments) as Record<string, unknown>;
        break;
      }
      case 'end':
        end = event;
        break;
    }
  }
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content,
    stop_reason: end?.stopSequence !== undefined ? 'stop_sequence' : STOP_REASON[end?.finishReason ?? 'stop'],
    stop_sequence: end?.stopSequence ?? null,
    usage: { input_tokens: end?.usage.inputTokens ?? meta.inputTokensEstimate(), output_tokens: end?.usage.outputTokens ?? 0 },
  };
}
