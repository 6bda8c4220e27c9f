import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Principal } from '../auth';
import { NotFoundError } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import {
  assistantTurnOf,
  checkResponsesRequestBounds,
  type ConversationMessage,
  decodeThought,
  encodeThought,
  ReasoningSeal,
  ResponseBuilder,
  type ResponseEcho,
  responseEventBlock,
  type ResponseObject,
  type ResponsesConversion,
  type ResponseStreamEvent,
  REASONING_SEAL_KEY_USE,
  responsesToConversation,
  responsesTextFormat,
  type SealedThought,
  type SignedReasoning,
} from '../converter';
import type { ApiFamily, FamilyConversion } from '../generation/api-family';
import type { SseFormat } from '../generation/sse-writer';
import type { ResponsesRequestDto } from './dto/responses-request.dto';
import { ResponseStore } from './response-store';
import { DeploymentSecret } from '../secrets/deployment-secret';

interface ResponsesCall extends FamilyConversion, ResponsesConversion {
  request: ResponsesRequestDto;
  /** Who may read and continue the response. */
  owner: string;
  /** The answer's signed (or redacted) native thoughts, filled by its ResponseBuilder, stored with its turn. */
  signedThoughts: SignedReasoning[];
}

/**
 * Stored responses (and sealed reasoning) belong to whoever created them: one tenant (its Kiro
 * login, whichever key it came with), one client key (PROXY_API_KEYS or made in the console), or
 * PROXY_API_KEY, which keeps the owner `gateway` so responses stored before keys existed, and by
 * replicas still on it, stay readable. Another key gets a 404 for them, as for a response that never was.
 */
export function ownerOf(principal: Principal): string {
  if (principal.kind === 'tenant') return `tenant:${createHash('sha256').update(principal.refreshToken).digest('hex')}`;
  const key = principal.key;
  return key && key.source !== 'default' ? `key:${key.id}` : 'gateway';
}

/** The Responses API family (Codex): its request, its numbered events, its stored responses. */
@Injectable()
export class ResponsesFamily implements ApiFamily<ResponsesRequestDto, ResponsesCall, ResponseStreamEvent, ResponseObject> {
  private readonly logger = new Logger('Responses');
  /**
   * `reasoning.encrypted_content`, keyed by the deployment's secret (never the proxy key, which
   * clients hold): readable by every replica that shares it (GATEWAY_SECRET or Redis).
   */
  private readonly seal: ReasoningSeal;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(ResponseStore) private readonly store: ResponseStore,
    secret: DeploymentSecret,
  ) {
    this.seal = new ReasoningSeal(secret.key(REASONING_SEAL_KEY_USE));
  }

  /** After the turns of `previous_response_id` when it names one (a 404 when it is gone). */
  async toConversation(request: ResponsesRequestDto, context: RequestContext): Promise<ResponsesCall> {
    const owner = ownerOf(context.caller);
    let previous: ConversationMessage[] = [];
    if (request.previous_response_id) {
      const stored = await this.store.get(request.previous_response_id, owner);
      if (!stored) {
        throw new NotFoundError(
          `Previous response with id '${request.previous_response_id}' not found (responses are kept for an hour unless store is false).`,
          'previous_response_not_found',
          'previous_response_id',
        );
      }
      previous = stored.messages;
    }
    checkResponsesRequestBounds(request, previous.length, { limits: this.config.limits, kiroPayloadBytes: this.config.kiro.maxPayloadBytes });
    const conversion = responsesToConversation(request, previous, {
      openReasoning: (content) => {
        const plain = this.seal.open(content, owner);
        return plain === undefined ? undefined : decodeThought(plain);
      },
    });
    conversion.conversation.responseFormat = responsesTextFormat(request.text);
    if (conversion.droppedTools.length > 0) this.logger.log(`Left out hosted tools Kiro cannot run: ${conversion.droppedTools.join(', ')}`);
    return { ...conversion, request, owner, signedThoughts: [] };
  }

  renderer({ request, tools, owner, signedThoughts }: ResponsesCall): ResponseBuilder {
    const sealReasoning = request.include?.includes('reasoning.encrypted_content') ? (thought: SealedThought) => this.seal.seal(encodeThought(thought), owner) : undefined;
    return new ResponseBuilder(request.model, echo(request), { tools, sealReasoning, signedThoughts });
  }

  /** `event: TYPE` + `data: {…}`, every event numbered; the stream ends with its last event. */
  sseFormat(): SseFormat<ResponseStreamEvent> {
    return RESPONSES_SSE;
  }

  /** Completed and incomplete responses are kept for follow-ups, unless `store: false`. */
  async settle({ request, conversation, owner, signedThoughts }: ResponsesCall, response: ResponseObject): Promise<void> {
    if (request.store === false || response.status === 'failed' || response.status === 'in_progress') return;
    await this.store.put({ response, messages: [...conversation.messages, assistantTurnOf(response.output, signedThoughts)], owner }).catch((err: unknown) => {
      this.logger.warn(`Could not keep response ${response.id}: ${(err as Error).message}`);
    });
  }

  async retrieve(id: string, principal: Principal): Promise<ResponseObject> {
    const stored = await this.store.get(id, ownerOf(principal));
    if (!stored) throw new NotFoundError(`No response with id '${id}' is stored (responses are kept for an hour unless store is false).`, 'response_not_found');
    return stored.response;
  }
}

const RESPONSES_SSE: SseFormat<ResponseStreamEvent> = { event: responseEventBlock };

function echo(request: ResponsesRequestDto): ResponseEcho {
  return {
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    store: request.store !== false,
    temperature: request.temperature ?? null,
    text: { ...request.text, format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}
