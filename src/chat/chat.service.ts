import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { lastValueFrom, Observable, toArray } from 'rxjs';
import { AuthService, type Principal } from '../auth';
import { InvalidRequestError, UpstreamTimeoutError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import {
  aggregateChatCompletion,
  type AssistantEvent,
  budgetForEffort,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type CompletionMeta,
  ConverterService,
  openAIToConversation,
  resolveModel,
  toAssistantEvents,
  toChatCompletionChunks,
} from '../converter';
import { KiroClient } from '../kiro';
import { ModelsService } from '../models/models.service';

/** The OpenAI chat front end: request → conversation → Kiro → assistant events → OpenAI shapes. */
@Injectable()
export class ChatService {
  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly converter: ConverterService,
    private readonly kiro: KiroClient,
    private readonly auth: AuthService,
    private readonly models: ModelsService,
  ) {}

  /** Resolves once Kiro has started answering; errors before that are real HTTP errors. */
  async stream(request: ChatCompletionRequest, principal: Principal, signal: AbortSignal): Promise<Observable<ChatCompletionChunk>> {
    const { events$, meta } = await this.start(request, principal, signal, true);
    return events$.pipe(toChatCompletionChunks(meta));
  }

  async complete(request: ChatCompletionRequest, principal: Principal, signal: AbortSignal): Promise<ChatCompletion> {
    // NON_STREAM_TIMEOUT bounds the whole call, upstream retries included.
    const deadline = AbortSignal.timeout(this.config.timeouts.nonStreamMs);
    const combined = AbortSignal.any([signal, deadline]);
    try {
      const { events$, meta } = await this.start(request, principal, combined, false);
      const events = await lastValueFrom(events$.pipe(toArray()));
      return aggregateChatCompletion(meta, events);
    } catch (err) {
      if (deadline.aborted && !signal.aborted) {
        throw new UpstreamTimeoutError(`Kiro did not finish within NON_STREAM_TIMEOUT (${this.config.timeouts.nonStreamMs / 1000} s)`);
      }
      throw err;
    }
  }

  private async start(
    request: ChatCompletionRequest,
    principal: Principal,
    signal: AbortSignal,
    stream: boolean,
  ): Promise<{ events$: Observable<AssistantEvent>; meta: CompletionMeta }> {
    if (request.n !== undefined && request.n !== null && request.n > 1) {
      throw new InvalidRequestError('n > 1 is not supported: Kiro returns a single choice.', 'n', 'unsupported_value');
    }
    const conversation = openAIToConversation(request);
    conversation.thinkingBudget = budgetForEffort(request.reasoning_effort, this.config.reasoning.maxTokens);
    const model = resolveModel(request.model);
    const session = this.auth.sessionFor(principal);
    const prepared = this.converter.toKiroRequest(conversation, model, session.profileArn);
    const upstream = await this.kiro.generateAssistantResponse(prepared.body, { session, signal, slowModel: model.slow, stream });
    const context = this.converter.responseContext(prepared, this.models.maxInputTokens(model.kiroModelId), conversation);
    const meta: CompletionMeta = {
      id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
      created: Math.floor(Date.now() / 1000),
      model: model.requested,
      includeUsage: request.stream_options?.include_usage === true,
    };
    return { events$: upstream.events$.pipe(toAssistantEvents(context)), meta };
  }
}
