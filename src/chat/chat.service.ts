import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth';
import { InvalidRequestError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import {
  aggregateChatCompletion,
  checkChatRequestBounds,
  chatResponseFormat,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type CompletionMeta,
  type Conversation,
  openAIToConversation,
  stopSequencesFrom,
  thinkingForReasoningEffort,
  toChatCompletionChunks,
} from '../converter';
import { type CompletedReply, ConversationRunner, type StreamingReply } from '../conversation/conversation-runner.service';

/** The OpenAI chat front end: request → conversation → the shared core → OpenAI shapes. */
@Injectable()
export class ChatService {
  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly runner: ConversationRunner,
  ) {}

  /** Resolves once Kiro has started answering; errors before that are real HTTP errors. */
  async stream(request: ChatCompletionRequest, principal: Principal, signal: AbortSignal): Promise<StreamingReply<ChatCompletionChunk>> {
    const run = await this.runner.start(this.toConversation(request), request.model, { principal, signal, stream: true });
    return { events$: run.events$.pipe(toChatCompletionChunks(this.meta(request))), flow: run.flow, kiroModel: run.model.kiroModelId };
  }

  complete(request: ChatCompletionRequest, principal: Principal, signal: AbortSignal): Promise<CompletedReply<ChatCompletion>> {
    return this.runner.complete(this.toConversation(request), request.model, { principal, signal }, (events) =>
      aggregateChatCompletion(this.meta(request), events),
    );
  }

  private toConversation(request: ChatCompletionRequest): Conversation {
    if (request.n !== undefined && request.n !== null && request.n > 1) {
      throw new InvalidRequestError('n > 1 is not supported: Kiro returns a single choice.', 'n', 'unsupported_value');
    }
    checkChatRequestBounds(request, { limits: this.config.limits, kiroPayloadBytes: this.config.kiro.maxPayloadBytes });
    const conversation = openAIToConversation(request);
    conversation.thinking = thinkingForReasoningEffort(request.reasoning_effort);
    conversation.stopSequences = stopSequencesFrom(request.stop);
    conversation.responseFormat = chatResponseFormat(request.response_format);
    return conversation;
  }

  private meta(request: ChatCompletionRequest): CompletionMeta {
    return {
      id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      includeUsage: request.stream_options?.include_usage === true,
    };
  }
}
