import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InvalidRequestError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import {
  checkChatRequestBounds,
  chatResponseFormat,
  type ChatCompletion,
  type ChatCompletionRequest,
  ChatCompletionRenderer,
  type ChatStreamEvent,
  ChunkSerializer,
  type Conversation,
  openAIToConversation,
  stopSequencesFrom,
  thinkingForReasoningEffort,
} from '../converter';
import type { ApiFamily, FamilyConversion } from '../generation/api-family';
import type { SseFormat } from '../generation/sse-writer';

interface ChatConversion extends FamilyConversion {
  request: ChatCompletionRequest;
}

/** The OpenAI chat completions family: its request, its chunks, and its wire format. */
@Injectable()
export class ChatCompletionsFamily implements ApiFamily<ChatCompletionRequest, ChatConversion, ChatStreamEvent, ChatCompletion> {
  constructor(@Inject(gatewayConfig.KEY) private readonly config: GatewayConfig) {}

  toConversation(request: ChatCompletionRequest): ChatConversion {
    if (request.n !== undefined && request.n !== null && request.n > 1) {
      throw new InvalidRequestError('n > 1 is not supported: Kiro returns a single choice.', 'n', 'unsupported_value');
    }
    checkChatRequestBounds(request, { limits: this.config.limits, kiroPayloadBytes: this.config.kiro.maxPayloadBytes });
    const conversation: Conversation = openAIToConversation(request);
    conversation.thinking = thinkingForReasoningEffort(request.reasoning_effort);
    conversation.stopSequences = stopSequencesFrom(request.stop);
    conversation.responseFormat = chatResponseFormat(request.response_format);
    return { conversation, request };
  }

  renderer({ request }: ChatConversion): ChatCompletionRenderer {
    return new ChatCompletionRenderer({
      id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      includeUsage: request.stream_options?.include_usage === true,
    });
  }

  /**
   * `data: {json}` blocks and `data: [DONE]` after a stream that succeeded; a failure is one
   * `data: {"error": …}` instead of `[DONE]` (openai-node and the AI SDK raise it).
   */
  sseFormat(): SseFormat<ChatStreamEvent> {
    // Per stream: it serialises what every chunk of one stream shares once.
    const serializer = new ChunkSerializer();
    let failed = false;
    return {
      event: (event) => {
        if (!('error' in event)) return `data: ${serializer.serialize(event)}\n\n`;
        failed = true;
        return `data: ${JSON.stringify(event)}\n\n`;
      },
      end: () => (failed ? '' : 'data: [DONE]\n\n'),
    };
  }
}
