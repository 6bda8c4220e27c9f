import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Principal } from '../auth';
import { NotFoundError, toOpenAIError } from '../common/errors';
import { requestScope } from '../common/request-scope';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { type CompletedReply, ConversationRunner, type StreamingReply } from '../conversation/conversation-runner.service';
import {
  type AssistantEvent,
  assistantTurnOf,
  checkResponsesRequestBounds,
  type Conversation,
  type ConversationMessage,
  ResponseBuilder,
  type ResponseEcho,
  responseEventBlock,
  type ResponseObject,
  type ResponseStreamEvent,
  REASONING_SEAL_KEY_USE,
  ReasoningSeal,
  responsesToConversation,
  responsesTextFormat,
  toResponseStreamEvents,
} from '../converter';
import type { ResponsesRequestDto } from './dto/responses-request.dto';
import { ResponseStore } from './response-store';
import { DeploymentSecret } from '../secrets/deployment-secret';

interface Prepared {
  conversation: Conversation;
  /** The request's own turns, after those of the previous response. */
  messages: ConversationMessage[];
  builder: ResponseBuilder;
  owner: string;
}

/** Stored responses belong to whoever created them: the gateway's key, or one tenant. */
function ownerOf(principal: Principal): string {
  return principal.kind === 'tenant' ? `tenant:${createHash('sha256').update(principal.refreshToken).digest('hex')}` : 'gateway';
}

/** The Responses API front end (Codex): request → conversation → the shared core → responses. */
@Injectable()
export class ResponsesService {
  private readonly logger = new Logger('Responses');
  /**
   * `reasoning.encrypted_content`, keyed by the deployment's secret (never the proxy key, which
   * clients hold): readable by every replica that shares it (GATEWAY_SECRET or Redis).
   */
  private readonly seal: ReasoningSeal;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly runner: ConversationRunner,
    private readonly store: ResponseStore,
    secret: DeploymentSecret,
  ) {
    this.seal = new ReasoningSeal(secret.key(REASONING_SEAL_KEY_USE));
  }

  async stream(request: ResponsesRequestDto, principal: Principal, signal: AbortSignal): Promise<StreamingReply<ResponseStreamEvent>> {
    const prepared = await this.prepare(request, principal);
    const run = await this.runner.start(prepared.conversation, request.model, { principal, signal, stream: true });
    const recorder = requestScope.recorder();
    const describe = (error: unknown) => {
      const { code, message } = toOpenAIError(error).body.error;
      recorder?.markFailed();
      this.logger.warn(`Response failed mid-stream: ${message}`);
      return { code: code ?? 'upstream_error', message };
    };
    const events$ = run.events$.pipe(toResponseStreamEvents(prepared.builder, describe, () => this.keep(request, prepared)));
    // Cut from outside (shutdown): still `response.failed`, numbered in sequence.
    const formatError = (error: unknown) => {
      const { code, message } = describe(error);
      return prepared.builder.fail(code, message).map(responseEventBlock).join('');
    };
    return { events$, flow: run.flow, formatError, kiroModel: run.model.kiroModelId };
  }

  async complete(request: ResponsesRequestDto, principal: Principal, signal: AbortSignal): Promise<CompletedReply<ResponseObject>> {
    const prepared = await this.prepare(request, principal);
    const reply = await this.runner.complete(prepared.conversation, request.model, { principal, signal }, (events: AssistantEvent[]) => {
      for (const event of events) prepared.builder.process(event);
      return prepared.builder.response();
    });
    await this.keep(request, prepared);
    return reply;
  }

  async retrieve(id: string, principal: Principal): Promise<ResponseObject> {
    const stored = await this.store.get(id, ownerOf(principal));
    if (!stored) throw new NotFoundError(`No response with id '${id}' is stored (responses are kept for an hour unless store is false).`, 'response_not_found');
    return stored.response;
  }

  private async prepare(request: ResponsesRequestDto, principal: Principal): Promise<Prepared> {
    let previous: ConversationMessage[] = [];
    if (request.previous_response_id) {
      const stored = await this.store.get(request.previous_response_id, ownerOf(principal));
      if (!stored) {
        throw new NotFoundError(
          `Previous response with id '${request.previous_response_id}' not found (responses are kept for an hour unless store is false).`,
          'previous_response_not_found',
          'previous_response_id',
        );
      }
      previous = stored.messages;
    }
    const owner = ownerOf(principal);
    checkResponsesRequestBounds(request, previous.length, { limits: this.config.limits, kiroPayloadBytes: this.config.kiro.maxPayloadBytes });
    const { conversation, tools, droppedTools } = responsesToConversation(request, previous, { openReasoning: (content) => this.seal.open(content, owner) });
    conversation.responseFormat = responsesTextFormat(request.text);
    if (droppedTools.length > 0) this.logger.log(`Left out hosted tools Kiro cannot run: ${droppedTools.join(', ')}`);
    const sealReasoning = request.include?.includes('reasoning.encrypted_content') ? (text: string) => this.seal.seal(text, owner) : undefined;
    return { conversation, messages: conversation.messages, builder: new ResponseBuilder(request.model, echo(request), { tools, sealReasoning }), owner };
  }

  /** Completed and incomplete responses are kept for follow-ups, unless `store: false`. */
  private async keep(request: ResponsesRequestDto, prepared: Prepared): Promise<void> {
    const response = prepared.builder.response();
    if (request.store === false || response.status === 'failed' || response.status === 'in_progress') return;
    await this.store.put({ response, messages: [...prepared.messages, assistantTurnOf(response.output)], owner: prepared.owner }).catch((err: unknown) => {
      this.logger.warn(`Could not keep response ${response.id}: ${(err as Error).message}`);
    });
  }
}

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
