import { Inject, Injectable, Logger } from '@nestjs/common';
import { lastValueFrom, Observable, tap, toArray } from 'rxjs';
import { AuthService, type Principal } from '../auth';
import { UpstreamTimeoutError } from '../common/errors';
import type { FlowGate } from '../common/flow-gate';
import type { CompletedReply } from '../common/sse/reply-writer';
export type { CompletedReply, StreamingReply } from '../common/sse/reply-writer';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { type AssistantEvent, type Conversation, ConverterService, type ResolvedModel, toAssistantEvents } from '../converter';
import { KiroClient } from '../kiro';
import { MetricsService } from '../metrics';
import { ModelsService } from '../models';

export interface ConversationRun {
  /** Assistant events, ending with `end`; unsubscribing aborts the upstream request. */
  events$: Observable<AssistantEvent>;
  model: ResolvedModel;
  /** Local count of the prompt (lazy), for front ends that report usage before Kiro does. */
  promptTokens: () => number;
  /** Backpressure from the client's socket to Kiro's body. */
  flow: FlowGate;
}

export interface RunOptions {
  principal: Principal;
  signal: AbortSignal;
  stream: boolean;
}

/**
 * The core every front end shares: a conversation and a model name in, assistant events out.
 * Resolves the model, picks the caller's Kiro session, builds the Kiro body, and resolves once
 * Kiro has started answering (so errors before that are real HTTP errors).
 */
@Injectable()
export class ConversationRunner {
  private readonly logger = new Logger('Conversation');

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly converter: ConverterService,
    private readonly kiro: KiroClient,
    private readonly auth: AuthService,
    private readonly models: ModelsService,
    private readonly metrics: MetricsService,
  ) {}

  async start(conversation: Conversation, modelName: string, options: RunOptions): Promise<ConversationRun> {
    const session = this.auth.sessionFor(options.principal);
    // A refresh may bring the profile ARN the body needs: have a token before building it.
    await session.getAccessToken();
    // A macrotask between converting the request and building Kiro's body: for a large
    // conversation each is tens of milliseconds, and other requests get the loop in between.
    await new Promise((resolve) => setImmediate(resolve));
    const model = await this.models.resolve(modelName, session);
    const prepared = this.converter.toKiroRequest(conversation, model, session.profileArn);
    const upstream = await this.kiro.generateAssistantResponse(prepared.body, {
      session,
      signal: options.signal,
      slowModel: model.slow,
      stream: options.stream,
      payload: prepared.payload,
    });
    try {
      const context = this.converter.responseContext(prepared, this.models.maxInputTokens(model.kiroModelId), conversation);
      const events$ = upstream.events$.pipe(toAssistantEvents(context), tap((event) => this.noteCutToolCalls(event, model)));
      return { events$, model, promptTokens: prepared.promptTokens, flow: upstream.flow };
    } catch (err) {
      upstream.cancel();
      throw err;
    }
  }

  /** Kiro cut a tool call off mid-arguments: the turn ended cleanly without it; say so and count it. */
  private noteCutToolCalls(event: AssistantEvent, model: ResolvedModel): void {
    if (event.type !== 'end' || !event.cutToolCalls?.length) return;
    this.metrics.toolCallsCut.inc(event.cutToolCalls.length);
    this.logger.warn(
      `Kiro cut off the arguments of ${event.cutToolCalls.map((name) => `"${name}"`).join(', ')} (${model.kiroModelId}): ` +
        'the call was left out and the turn ended as output cut short',
    );
  }

  /**
   * A whole answer at once, bounded by NON_STREAM_TIMEOUT (upstream retries included).
   * `render` turns the events into the front end's reply.
   */
  async complete<T>(
    conversation: Conversation,
    modelName: string,
    options: Omit<RunOptions, 'stream'>,
    render: (events: AssistantEvent[], run: ConversationRun) => T,
  ): Promise<CompletedReply<T>> {
    // One controller and one timer per call (AbortSignal.any/timeout cost more on this path).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.config.timeouts.nonStreamMs);
    const onClientGone = () => controller.abort();
    options.signal.addEventListener('abort', onClientGone, { once: true });
    try {
      const run = await this.start(conversation, modelName, { ...options, signal: controller.signal, stream: false });
      const events = await lastValueFrom(run.events$.pipe(toArray()));
      return { body: render(events, run), kiroModel: run.model.kiroModelId };
    } catch (err) {
      if (timedOut && !options.signal.aborted) {
        throw new UpstreamTimeoutError(`Kiro did not finish within NON_STREAM_TIMEOUT (${this.config.timeouts.nonStreamMs / 1000} s)`);
      }
      throw err;
    } finally {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onClientGone);
    }
  }
}
