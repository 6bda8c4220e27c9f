import { Observable, OperatorFunction } from 'rxjs';
import type { AssistantEvent, UsageCounts } from '../response/assistant-events';
import type { ChatCompletionChunk, ChatCompletionUsage, CompletionMeta } from './chat-completion.types';

/**
 * Assistant events → OpenAI `chat.completion.chunk`s: a first chunk with the role, content and
 * reasoning deltas, tool calls (id and name first, then argument fragments), a last chunk with
 * `finish_reason`, and with `stream_options.include_usage` a usage chunk with empty `choices`.
 */
export function toChatCompletionChunks(meta: CompletionMeta): OperatorFunction<AssistantEvent, ChatCompletionChunk> {
  return (events$) =>
    new Observable<ChatCompletionChunk>((subscriber) => {
      const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finishReason: ChatCompletionChunk['choices'][0]['finish_reason'] = null): ChatCompletionChunk => ({
        id: meta.id,
        object: 'chat.completion.chunk',
        created: meta.created,
        model: meta.model,
        system_fingerprint: null,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(meta.includeUsage ? { usage: null } : {}),
      });
      subscriber.next(chunk({ role: 'assistant', content: '' }));

      return events$.subscribe({
        next(event) {
          switch (event.type) {
            case 'text':
              subscriber.next(chunk({ content: event.text }));
              break;
            case 'reasoning':
              subscriber.next(chunk({ reasoning_content: event.text }));
              break;
            case 'toolCallStart':
              subscriber.next(
                chunk({ tool_calls: [{ index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }] }),
              );
              break;
            case 'toolCallDelta':
              subscriber.next(chunk({ tool_calls: [{ index: event.index, function: { arguments: event.argumentsDelta } }] }));
              break;
            case 'toolCallEnd':
              break;
            case 'end':
              subscriber.next(chunk({}, event.finishReason));
              if (meta.includeUsage) {
                subscriber.next({
                  id: meta.id,
                  object: 'chat.completion.chunk',
                  created: meta.created,
                  model: meta.model,
                  system_fingerprint: null,
                  choices: [],
                  usage: toOpenAIUsage(event.usage),
                });
              }
              break;
          }
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}

export function toOpenAIUsage(usage: UsageCounts): ChatCompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.credits !== undefined ? { credits_used: usage.credits } : {}),
  };
}
