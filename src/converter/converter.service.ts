import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ContextTooLongError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import type { KiroPayload } from '../kiro';
import type { AssistantContext } from './assistant/assistant-event-assembler';
import type { Conversation } from './conversation';
import { buildKiroRequest } from './kiro/build-kiro-request';
import type { ResolvedModel } from './model-resolver';
import { resolveThinkingBudget } from './thinking-budget';
import { countConversationTokens } from './token-counter';

/** A conversation made ready for Kiro: the body to send, and how to read the answer. */
export interface PreparedKiroRequest {
  /** The body, serialised and measured once (checked against KIRO_MAX_PAYLOAD_BYTES). */
  payload: KiroPayload;
  /** How Kiro's events become assistant events for this request (tool names, thinking, stops, usage). */
  assistant: AssistantContext;
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

  /** `maxInputTokens`: the model's context window, to turn Kiro's context percentage into tokens. */
  toKiroRequest(conversation: Conversation, model: ResolvedModel, profileArn: string | undefined, maxInputTokens: number): PreparedKiroRequest {
    // Fake reasoning (FAKE_REASONING): sized by the request, or the configured default.
    const thinkingBudget = resolveThinkingBudget(conversation.thinking, this.config.reasoning);
    const { body, toolNames } = buildKiroRequest(conversation, {
      modelId: model.kiroModelId,
      conversationId: randomUUID(),
      profileArn,
      toolDescriptionMaxLength: this.config.tools.descriptionMaxLength,
      thinkingBudget,
    });
    const json = JSON.stringify(body);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.config.kiro.maxPayloadBytes) {
      throw new ContextTooLongError(
        `The request would be ${Math.round(bytes / 1024)} KB once converted for Kiro, over its limit of ` +
          `${Math.round(this.config.kiro.maxPayloadBytes / 1024)} KB (KIRO_MAX_PAYLOAD_BYTES). Shorten the conversation.`,
      );
    }
    let counted: number | undefined;
    const promptTokens = () => (counted ??= countConversationTokens(conversation));
    return {
      payload: { json, bytes, modelId: model.kiroModelId },
      assistant: {
        toolNames,
        thinkingHandling: thinkingBudget !== undefined ? this.config.reasoning.handling : undefined,
        maxInputTokens,
        promptTokens,
        stopSequences: conversation.stopSequences,
      },
      promptTokens,
    };
  }
}
