import { type OpenAIErrorBody, toOpenAIError } from '../../common/errors';
import type { AssistantEvent, FinishReason, UsageCounts } from '../assistant/assistant-events';
import type { Renderer } from '../assistant/renderer';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionUsage, ChatFinishReason, ChatToolCall, CompletionMeta } from './chat-completion.types';

/** Chat completions has no reason for a full window or a pause: the nearest it has. */
export const FINISH_REASON: Record<FinishReason, ChatFinishReason> = {
  stop: 'stop',
  tool_calls: 'tool_calls',
  length: 'length',
  content_filter: 'content_filter',
  context_window: 'length',
  pause: 'stop',
};

/** What an OpenAI chat stream carries: chunks, and at most one final error body. */
export type ChatStreamEvent = ChatCompletionChunk | OpenAIErrorBody;

type Delta = ChatCompletionChunk['choices'][0]['delta'];

/**
 * Assistant events → OpenAI chat completions. The stream: a first chunk with the role, content
 * and reasoning deltas, each tool call as its id and name, then its arguments, a last chunk with
 * `finish_reason`, and with `stream_options.include_usage` a usage chunk with empty `choices`.
 * The same events add up to the non-stream `chat.completion` (`result()`).
 */
export class ChatCompletionRenderer implements Renderer<ChatStreamEvent, ChatCompletion> {
  private content = '';
  private reasoning = '';
  private readonly toolCalls: ChatToolCall[] = [];
  private finishReason: ChatFinishReason = 'stop';
  private usage: UsageCounts = { inputTokens: 0, outputTokens: 0 };

  constructor(private readonly meta: CompletionMeta) {}

  start(): ChatStreamEvent[] {
    return [this.chunk({ role: 'assistant', content: '' })];
  }

  process(event: AssistantEvent): ChatStreamEvent[] {
    switch (event.type) {
      case 'text':
        this.content += event.text;
        return [this.chunk({ content: event.text })];
      case 'reasoning':
        this.reasoning += event.text;
        return [this.chunk({ reasoning_content: event.text })];
      case 'reasoningSignature':
      case 'redactedReasoning':
      case 'webSearch':
      case 'webSearchResult':
        // Chat completions has no field for either: the reasoning text is what it shows; it
        // declares no search tool either (only Anthropic and Responses clients do).
        return [];
      case 'toolCall':
        this.toolCalls[event.index] = { id: event.id, type: 'function', function: { name: event.name, arguments: event.arguments } };
        return [
          this.chunk({ tool_calls: [{ index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }] }),
          this.chunk({ tool_calls: [{ index: event.index, function: { arguments: event.arguments } }] }),
        ];
      case 'end': {
        this.finishReason = FINISH_REASON[event.finishReason];
        this.usage = event.usage;
        const last: ChatStreamEvent[] = [this.chunk({}, this.finishReason)];
        if (this.meta.includeUsage) {
          last.push({ id: this.meta.id, object: 'chat.completion.chunk', created: this.meta.created, model: this.meta.model, system_fingerprint: null, choices: [], usage: toOpenAIUsage(event.usage) });
        }
        return last;
      }
    }
  }

  finish(): ChatStreamEvent[] {
    return [];
  }

  fail(error: unknown): ChatStreamEvent[] {
    return [toOpenAIError(error).body];
  }

  result(): ChatCompletion {
    const toolCalls = this.toolCalls.filter(Boolean);
    return {
      id: this.meta.id,
      object: 'chat.completion',
      created: this.meta.created,
      model: this.meta.model,
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: this.content || (toolCalls.length > 0 ? null : ''),
            ...(this.reasoning ? { reasoning_content: this.reasoning } : {}),
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            refusal: null,
          },
          logprobs: null,
          finish_reason: this.finishReason,
        },
      ],
      usage: toOpenAIUsage(this.usage),
    };
  }

  private chunk(delta: Delta, finishReason: ChatCompletionChunk['choices'][0]['finish_reason'] = null): ChatCompletionChunk {
    return {
      id: this.meta.id,
      object: 'chat.completion.chunk',
      created: this.meta.created,
      model: this.meta.model,
      system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(this.meta.includeUsage ? { usage: null } : {}),
    };
  }
}

export function toOpenAIUsage(usage: UsageCounts): ChatCompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.cacheReadInputTokens !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cacheReadInputTokens } } : {}),
    ...(usage.credits !== undefined ? { credits_used: usage.credits } : {}),
  };
}
