import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth';
import {
  aggregateAnthropicMessage,
  type AnthropicConversion,
  type AnthropicMessage,
  type AnthropicMessageMeta,
  type AnthropicMessagesRequest,
  type AnthropicStreamEvent,
  anthropicToConversation,
  checkAnthropicRequestBounds,
  countConversationTokens,
  listSome,
  summariseDropped,
  toAnthropicStreamEvents,
} from '../converter';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { type CompletedReply, ConversationRunner, type StreamingReply } from '../conversation/conversation-runner.service';

/** The Anthropic Messages front end: request → conversation → the shared core → Anthropic shapes. */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger('Messages');

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly runner: ConversationRunner,
  ) {}

  async stream(request: AnthropicMessagesRequest, principal: Principal, signal: AbortSignal): Promise<StreamingReply<AnthropicStreamEvent>> {
    const conversion = this.convert(request, true);
    const run = await this.runner.start(conversion.conversation, request.model, { principal, signal, stream: true });
    return { events$: run.events$.pipe(toAnthropicStreamEvents(this.meta(request, conversion, run.promptTokens))), flow: run.flow, kiroModel: run.model.kiroModelId };
  }

  complete(request: AnthropicMessagesRequest, principal: Principal, signal: AbortSignal): Promise<CompletedReply<AnthropicMessage>> {
    const conversion = this.convert(request, true);
    return this.runner.complete(conversion.conversation, request.model, { principal, signal }, (events, run) =>
      aggregateAnthropicMessage(this.meta(request, conversion, run.promptTokens), events),
    );
  }

  countTokens(request: AnthropicMessagesRequest): { input_tokens: number } {
    return { input_tokens: countConversationTokens(this.convert(request, false).conversation) };
  }

  /**
   * The conversion, with what it left out logged (server tools and content at info, the rest at
   * debug): one line each, of bounded length, whatever the request holds. `toKiro`: the
   * conversation goes to Kiro (its payload limit applies), not just counted.
   */
  private convert(request: AnthropicMessagesRequest, toKiro: boolean): AnthropicConversion {
    checkAnthropicRequestBounds(request, { limits: this.config.limits, kiroPayloadBytes: toKiro ? this.config.kiro.maxPayloadBytes : undefined });
    const conversion = anthropicToConversation(request);
    if (conversion.droppedServerTools.length > 0) {
      this.logger.log(`Left out server tools Kiro cannot run: ${listSome(conversion.droppedServerTools)}`);
    }
    if (conversion.dropped.length > 0) this.logger.log(`Left out content Kiro cannot take: ${summariseDropped(conversion.dropped)}`);
    if (conversion.ignored.length > 0) this.logger.debug(`Ignored: ${listSome(conversion.ignored)}`);
    return conversion;
  }

  private meta(request: AnthropicMessagesRequest, conversion: AnthropicConversion, promptTokens: () => number): AnthropicMessageMeta {
    return {
      id: `msg_${randomBytes(12).toString('base64url')}`,
      model: request.model,
      inputTokensEstimate: promptTokens,
      omitThinkingText: conversion.omitThinkingText,
    };
  }
}
