import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ContextTooLongError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import type { KiroRequestBody } from '../kiro';
import type { Conversation } from './conversation';
import { buildKiroRequest } from './kiro/build-kiro-request';
import type { ToolNameMap } from './kiro/tool-names';
import type { ResolvedModel } from './model-resolver';
import type { ResponseContext } from './response/assistant-event-assembler';
import { resolveThinkingBudget } from './thinking-budget';
import { countConversationTokens } from './token-counter';

export interface PreparedKiroRequest {
  body: KiroRequestBody;
  /** `body` serialised, once: what is sent (a 430 KB agent turn takes 2 ms to serialise). */
  payload: string;
  toolNames: ToolNameMap;
  /** The serialised size, checked against KIRO_MAX_PAYLOAD_BYTES. */
  bytes: number;
  /**
   * Local count of the prompt, the same figure count_tokens gives for the request: computed on
   * first use (message_start, or when Kiro reports no usage), then kept.
   */
  promptTokens: () => number;
}

/** The converter core behind DI: conversation → Kiro body, and the context to read the answer. */
@Injectable()
export class ConverterService {
  constructor(@Inject(gatewayConfig.KEY) private readonly config: GatewayConfig) {}

  toKiroRequest(conversation: Conversation, model: ResolvedModel, profileArn: string | undefined): PreparedKiroRequest {
    const thinkingBudget = this.thinkingBudget(conversation);
    const { body, toolNames } = buildKiroRequest(conversation, {
      modelId: model.kiroModelId,
      conversationId: randomUUID(),
      profileArn,
      toolDescriptionMaxLength: this.config.tools.descriptionMaxLength,
      thinkingBudget,
    });
    const serialised = JSON.stringify(body);
    const bytes = Buffer.byteLength(serialised);
    if (bytes > this.config.kiro.maxPayloadBytes) {
      throw new ContextTooLongError(
        `The request would be ${Math.round(bytes / 1024)} KB once converted for Kiro, over its limit of ` +
          `${Math.round(this.config.kiro.maxPayloadBytes / 1024)} KB (KIRO_MAX_PAYLOAD_BYTES). Shorten the conversation.`,
      );
    }
    let promptTokens: number | undefined;
    return { body, payload: serialised, toolNames, bytes, promptTokens: () => (promptTokens ??= countConversationTokens(conversation)) };
  }

  responseContext(prepared: PreparedKiroRequest, maxInputTokens: number, conversation: Conversation): ResponseContext {
    const thinkingOn = this.thinkingBudget(conversation) !== undefined;
    return {
      toolNames: prepared.toolNames,
      thinkingHandling: thinkingOn ? this.config.reasoning.handling : undefined,
      maxInputTokens,
      promptTokens: prepared.promptTokens,
      stopSequences: conversation.stopSequences,
    };
  }

  /** Fake reasoning (FAKE_REASONING): sized by the request, or the configured default. */
  private thinkingBudget(conversation: Conversation): number | undefined {
    return resolveThinkingBudget(conversation.thinking, this.config.reasoning);
  }
}
