import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import {
  type AnthropicConversion,
  type AnthropicMessage,
  AnthropicMessageRenderer,
  type AnthropicMessagesRequest,
  type AnthropicStreamItem,
  anthropicToConversation,
  checkAnthropicRequestBounds,
  ConverterService,
  listSome,
  summariseDropped,
} from '../converter';
import type { ApiFamily, FamilyConversion, ReplyMeta } from '../generation/api-family';
import type { SseFormat } from '../generation/sse-writer';

interface MessagesConversion extends FamilyConversion, AnthropicConversion {
  request: AnthropicMessagesRequest;
}

/** The Anthropic Messages family (Claude Code): its request, its events, and its wire format. */
@Injectable()
export class MessagesFamily implements ApiFamily<AnthropicMessagesRequest, MessagesConversion, AnthropicStreamItem, AnthropicMessage> {
  private readonly logger = new Logger('Messages');

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly converter: ConverterService,
  ) {}

  /** The conversion for Kiro (its payload limit applies). */
  toConversation(request: AnthropicMessagesRequest): MessagesConversion {
    return this.convert(request, true);
  }

  renderer({ request, omitThinkingText }: MessagesConversion, meta: ReplyMeta): AnthropicMessageRenderer {
    return new AnthropicMessageRenderer({
      id: `msg_${randomBytes(12).toString('base64url')}`,
      model: request.model,
      // Anthropic's input_tokens is the uncached input only. With the prompt sent for caching that
      // is known only at the end, and Claude Code keeps message_start's figure unless the final
      // one is above 0: it would count the cached prompt twice. So message_start says 0 then.
      inputTokensEstimate: meta.promptCached ? () => 0 : meta.promptTokens,
      omitThinkingText,
    });
  }

  /** `event: TYPE` + `data: {…"type": TYPE…}`, no terminator; a failure is one `event: error`. */
  sseFormat(): SseFormat<AnthropicStreamItem> {
    return ANTHROPIC_SSE;
  }

  /** `count_tokens`: the same count message_start reports, without calling Kiro. */
  countTokens(request: AnthropicMessagesRequest): { input_tokens: number } {
    return { input_tokens: this.converter.countPromptTokens(this.convert(request, false).conversation) };
  }

  /**
   * The conversion, with what it left out logged (server tools and content at info, the rest at
   * debug): one line each, of bounded length, whatever the request holds. `toKiro`: the
   * conversation goes to Kiro (its payload limit applies), not just counted.
   */
  private convert(request: AnthropicMessagesRequest, toKiro: boolean): MessagesConversion {
    checkAnthropicRequestBounds(request, { limits: this.config.limits, kiroPayloadBytes: toKiro ? this.config.kiro.maxPayloadBytes : undefined });
    const conversion = anthropicToConversation(request);
    if (conversion.droppedServerTools.length > 0) {
      this.logger.log(`Left out server tools Kiro cannot run: ${listSome(conversion.droppedServerTools)}`);
    }
    if (conversion.dropped.length > 0) this.logger.log(`Left out content Kiro cannot take: ${summariseDropped(conversion.dropped)}`);
    if (conversion.ignored.length > 0) this.logger.debug(`Ignored: ${listSome(conversion.ignored)}`);
    return { ...conversion, request };
  }
}

const ANTHROPIC_SSE: SseFormat<AnthropicStreamItem> = {
  event: (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
};
