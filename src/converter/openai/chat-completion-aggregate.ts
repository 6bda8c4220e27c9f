import type { AssistantEvent } from '../response/assistant-events';
import type { ChatCompletion, ChatToolCall, CompletionMeta } from './chat-completion.types';
import { toOpenAIUsage } from './chat-completion-chunks';

/** All assistant events of one response → one non-stream `chat.completion`. */
export function aggregateChatCompletion(meta: CompletionMeta, events: AssistantEvent[]): ChatCompletion {
  let content = '';
  let reasoning = '';
  const toolCalls: ChatToolCall[] = [];
  let end: Extract<AssistantEvent, { type: 'end' }> | undefined;
  for (const event of events) {
    switch (event.type) {
      case 'text':
        content += event.text;
        break;
      case 'reasoning':
        reasoning += event.text;
        break;
      case 'toolCallStart':
        toolCalls[event.index] = { id: event.id, type: 'function', function: { name: event.name, arguments: '' } };
        break;
      case 'toolCallEnd':
        toolCalls[event.index].function.arguments = event.arguments;
        break;
      case 'end':
        end = event;
        break;
    }
  }
  const finishReason = end?.finishReason ?? 'stop';
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: content || (toolCalls.length > 0 ? null : ''),
          ...(reasoning ? { reasoning_content: reasoning } : {}),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          refusal: null,
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: toOpenAIUsage(end?.usage ?? { inputTokens: 0, outputTokens: 0 }),
  };
}
