import { Inject, Injectable } from '@nestjs/common';
import { ContextTooLongError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import type { KiroPayload } from '../kiro';
import type { AssistantContext } from './assistant/assistant-event-assembler';
import type { Conversation, ThinkingRequest } from './conversation';
import { conversationIdFor } from './conversation-id';
import { buildKiroRequest, type KiroBuildOptions } from './kiro/build-kiro-request';
import { effortStep, nativeReasoningFields, type NativeReasoningSupport } from './native-reasoning';
import type { ResolvedModel } from './model-resolver';
import { resolveThinkingBudget } from './thinking-budget';
import { TokenCountCache } from './token-count-cache';
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
  /** Kiro was asked to cache the prompt (checkpoints sent, §9.6): its usage will say what it read and wrote. */
  promptCached: boolean;
}

/** What the request's account and session add to the conversation for Kiro. */
export interface KiroRequestFacts {
  /** What the model's catalog entry takes for native reasoning; without it, fake reasoning (FAKE_REASONING). */
  nativeReasoning?: NativeReasoningSupport;
  /** The caller's session (see conversationIdFor), for a conversationId that Kiro's prompt cache recognises. */
  sessionKey?: string;
  /** The model offers prompt caching with this many checkpoints per request (§9.6). */
  cacheCheckpoints?: number;
}

/** The converter core behind DI: conversation → Kiro body, and the context to read the answer. */
@Injectable()
export class ConverterService {
  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly counts: TokenCountCache,
  ) {}

  /** The conversation's input tokens, counted locally (count_tokens; usage when Kiro reports none). */
  countPromptTokens(conversation: Conversation): number {
    return countConversationTokens(conversation, this.counts);
  }

  /**
   * Native reasoning (the model's catalog entry) or fake reasoning with tags, never both.
   */
  toKiroRequest(conversation: Conversation, model: ResolvedModel, profileArn: string | undefined, upstream: KiroRequestFacts = {}): PreparedKiroRequest {
    const { nativeReasoning, sessionKey, cacheCheckpoints } = upstream;
    const thinking = thinkingAsked(conversation.thinking, model);
    let native: KiroBuildOptions['native'];
    let thinkingBudget: number | undefined;
    if (nativeReasoning) {
      const step = effortStep(thinking, this.config.reasoning);
      native = { fields: nativeReasoningFields(step, nativeReasoning, conversation.thinkingDisplay), thinking: step !== 'off' };
    } else {
      // Fake reasoning (FAKE_REASONING): sized by the request, or the configured default.
      thinkingBudget = resolveThinkingBudget(thinking, this.config.reasoning);
    }
    const { body, toolNames, cachePoints } = buildKiroRequest(conversation, {
      modelId: model.kiroModelId,
      conversationId: conversationIdFor(sessionKey),
      profileArn,
      toolDescriptionMaxLength: this.config.tools.descriptionMaxLength,
      thinkingBudget,
      native,
      cacheCheckpoints,
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
    const promptTokens = () => (counted ??= this.countPromptTokens(conversation));
    return {
      payload: { json, bytes, modelId: model.kiroModelId },
      assistant: {
        toolNames,
        thinkingHandling: thinkingBudget !== undefined ? this.config.reasoning.handling : undefined,
        promptTokens,
        stopSequences: conversation.stopSequences,
      },
      promptTokens,
      promptCached: cachePoints > 0,
    };
  }
}

/**
 * A `-thinking` model name turns thinking on (at high effort) for clients that cannot send a
 * thinking parameter; an explicit request otherwise decides.
 */
function thinkingAsked(request: ThinkingRequest | undefined, model: ResolvedModel): ThinkingRequest | undefined {
  if (model.thinkingSuffix && (!request || request.kind === 'off')) return { kind: 'effort', effort: 'high' };
  return request;
}
