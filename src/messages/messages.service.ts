import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth';
import {
  aggregateAnthropicMessage,
  type AnthropicMessage,
  type AnthropicMessageMeta,
  type AnthropicMessagesRequest,
  type AnthropicStreamEvent,
  anthropicToConversation,
  checkAnthropicRequestBounds,
  type Conversation,
  countConversationTokens,
  toAnthropicStreamEvents,
} from '../converter';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { ConversationRunner, type StreamingReply } from '../conversation/conversation-runner.service';

/** The Anthropic Messages front end: request → conversation → the shared core → Anthropic shapes. */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger('Messages');

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly runner: ConversationRunner,
  ) {}

  async stream(request: AnthropicMessagesRequest, principal: Principal, signal: AbortSignal): Promise<StreamingReply<AnthropicStreamEvent>> {
    const run = await this.runner.start(this.toConversation(request, true), request.model, { principal, signal, stream: true });
    return { events$: run.events$.pipe(toAnthropicStreamEvents(this.meta(request, run.promptTokens))), flow: run.flow };
  }

  complete(request: AnthropicMessagesRequest, principal: Principal, signal: AbortSignal): Promise<AnthropicMessage> {
    return this.runner.complete(this.toConversation(request, true), request.model, { principal, signal }, (events, run) =>
      aggregateAnthropicMessage(this.meta(request, run.promptTokens), events),
    );
  }

  countTokens(request: AnthropicMessagesRequest): { input_tokens: number } {
    return { input_tokens: countConversationTokens(this.toConversation(request, false)) };
  }

  /** `toKiro`: the conversation goes to Kiro (its payload limit applies), not just counted. */
  private toConversation(request: AnthropicMessagesRequest, toKiro: boolean): Conversation {
    checkAnthropicRequestBounds(request, { limits: this.config.limits, kiroPayloadBytes: toKiro ? this.config.kiro.maxPayloadBytes : undefined });
    const { conversation, droppedServerTools } = anthropicToConversation(request);
    if (droppedServerTools.length > 0) {
      this.logger.log(`Left out server tools Kiro cannot run: ${droppedServerTools.join(', ')}`);
    }
    return conversation;
  }

  private meta(request: AnthropicMessagesRequest, promptTokens: () => number): AnthropicMessageMeta {
    return { id: `msg_${randomBytes(12).toString('base64url')}`, model: request.model, inputTokensEstimate: promptTokens };
  }
}
