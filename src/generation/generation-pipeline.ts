import { Inject, Injectable, Logger } from '@nestjs/common';
import { lastValueFrom, type Observable, tap } from 'rxjs';
import { AccountsService, type RequestLease } from '../accounts';
import { ClientAbortedError, classifyError, type GatewayError, isTransientFailure, UpstreamTimeoutError } from '../common/errors';
import { FlowGate } from '../common/flow-gate';
import { logLine, type RequestContext } from '../common/request-context';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { type AssistantEvent, type Conversation, ConverterService, type PreparedKiroRequest, render, type Renderer, renderReply, type ResolvedModel, toAssistantEvents } from '../converter';
import { decodeEventStream, firstContentWithin, FirstTokenTimeoutError, KiroClient, type KiroResponseStream, type KiroSession, KiroWebSearch } from '../kiro';
import { withoutWebSearch } from '../converter/web-search-tool';
import { MetricsService } from '../metrics/metrics.service';
import { ModelsService } from '../models';
import type { ApiFamily, FamilyConversion, GenerationRequest } from './api-family';
import { Interruption } from './interruption';
import { keepAlive } from './keep-alive';
import { commitOnFirstEvent } from './resume/commit-on-first-event';
import { continuationOf } from './resume/continuation';
import { type Recovery, RecoveryBudget, resumable, type ToolCallRecoveryOutcome } from './resume/resumable-events';
import { toolCallRecoveryOf } from './resume/tool-call-recovery';
import { KEEP_ALIVE_COMMENT, type SseComment } from './sse-writer';
import { WebSearchTurn } from './web-search/web-search-turn';

/**
 * The answer text one response keeps for a resume (PartialTurn): it is what was already sent,
 * so it grows only with the stream; past this a failure is not resumed (the re-ask would be that
 * long a prompt on top of the conversation).
 */
const MAX_RESUMABLE_CHARS = 200_000;

/** A stream that has started: Kiro sent its first content (text, reasoning or a whole tool call). */
export interface GenerationStream<Out> {
  /** The family's events, ending with its final or its error event; unsubscribing aborts Kiro's call. */
  events$: Observable<Out | SseComment>;
  /** Backpressure from the client's socket to Kiro's body. */
  flow: FlowGate;
  /** The Kiro model that answers (sent as `x-kiro-model`: it may differ from the name asked for). */
  kiroModel: string;
  /** Cuts the stream from outside (shutdown), through the same failure path as any other failure. */
  cut(error: GatewayError): void;
}

/** A whole reply, and the Kiro model that gave it. */
export interface GenerationReply<Result> {
  body: Result;
  kiroModel: string;
}

/** What every Kiro call of one response shares: its first call and each retry or resume. */
interface CallSettings {
  modelName: string;
  context: RequestContext;
  signal: AbortSignal;
  stream: boolean;
  flow: FlowGate;
  /** The retries, resumes and tool-call recovery left to the whole response, every web search round included. */
  budget: RecoveryBudget;
  /** Until a first call is under way: its prompt is counted while Kiro works on it (see callKiroOn). */
  countPromptEarly: boolean;
}

/** Makes the conversation of a response's first call on the account about to serve it (the lead web search). */
type PrepareFirstCall = (session: KiroSession, conversation: Conversation) => Promise<Conversation>;

/** A Kiro call under way, its events not read yet. */
interface KiroCallInFlight {
  /** The account serving it: its slot is freed when the events end. */
  lease: RequestLease;
  /** The conversation it sent (a resume continues this one). */
  conversation: Conversation;
  model: ResolvedModel;
  kiro: PreparedKiroRequest;
  upstream: KiroResponseStream;
}

/**
 * The one generation pipeline: every front end's request, streamed or not, runs through here,
 * and only its {@link ApiFamily} differs. Kiro's bytes become the client's events in one chain:
 *
 *   Kiro body bytes → Kiro events → assistant events → the family's events → SSE (or one reply)
 *
 * and every failure after Kiro started answering takes one path: counted, marked for the debug
 * dump, logged, and rendered as the family's own error event.
 *
 * Kiro's transient failures are absorbed on the way (generation/resume/): the client is committed
 * to only at Kiro's first content event, so a failure before it is asked again unseen; a failure
 * after it is resumed from the partial turn, within STREAM_MAX_RESUMES.
 */
@Injectable()
export class GenerationPipeline {
  private readonly logger = new Logger('Generation');

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly converter: ConverterService,
    private readonly kiro: KiroClient,
    private readonly accounts: AccountsService,
    private readonly models: ModelsService,
    private readonly metrics: MetricsService,
    private readonly webSearch: KiroWebSearch,
  ) {}

  /**
   * A streamed reply; resolves once Kiro has sent its first content (late commit), so that every
   * failure before it is retried unseen or, once the retries are spent, gets a real HTTP status.
   */
  async stream<Req extends GenerationRequest, C extends FamilyConversion, Out, Result>(
    family: ApiFamily<Req, C, Out, Result>,
    request: Req,
    context: RequestContext,
    signal: AbortSignal,
  ): Promise<GenerationStream<Out>> {
    const conversion = await family.toConversation(request, context);
    const settings: CallSettings = { modelName: request.model, context, signal, stream: true, flow: new FlowGate(), budget: new RecoveryBudget(), countPromptEarly: true };
    const { conversation, turn } = this.searchTurn(conversion.conversation, settings);
    const call = await this.callKiro(conversation, settings, turn && ((session, sent) => turn.prepare(session, sent, signal)));
    const renderer = this.rendererFor(family, conversion, call);
    const first$ = await commitOnFirstEvent(this.resilientEvents(call, settings));
    // With a web search tool, the searches the model asks for run here and the turn goes on.
    const assistant$ = turn ? turn.events({ events$: first$ }, call.conversation, signal) : first$;
    const shutdown = new Interruption();
    const events$ = assistant$.pipe(
      // Shutdown cuts in here, so that a cut stream ends like any failed one.
      shutdown.point(),
      // → the family's events; a failure (upstream, or a throw in the renderer) → its error event.
      render(renderer, {
        onFailure: (error) => this.failed(error, context, 'stream'),
        beforeFinal: family.settle && (() => family.settle!(conversion, renderer.result())),
      }),
      // Silence (Kiro thinking, a tool call held back until whole) must not let proxies or clients cut the stream.
      keepAlive(this.config.streams.keepAliveMs, () => (renderer.keepAlive ? renderer.keepAlive() : KEEP_ALIVE_COMMENT)),
    );
    return { events$, flow: settings.flow, kiroModel: call.model.kiroModelId, cut: (error) => shutdown.interrupt(error) };
  }

  /** A whole reply (`stream: false`): the renderer's `result()` over the same events, within NON_STREAM_TIMEOUT. */
  async complete<Req extends GenerationRequest, C extends FamilyConversion, Out, Result>(
    family: ApiFamily<Req, C, Out, Result>,
    request: Req,
    context: RequestContext,
    signal: AbortSignal,
  ): Promise<GenerationReply<Result>> {
    const conversion = await family.toConversation(request, context);
    // One controller and one timer per call (AbortSignal.any/timeout cost more on this path);
    // the deadline covers the upstream retries too.
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort();
    }, this.config.timeouts.nonStreamMs);
    const onClientGone = () => deadline.abort();
    signal.addEventListener('abort', onClientGone, { once: true });
    let answering = false;
    try {
      const settings: CallSettings = { modelName: request.model, context, signal: deadline.signal, stream: false, flow: new FlowGate(), budget: new RecoveryBudget(), countPromptEarly: true };
      const { conversation, turn } = this.searchTurn(conversion.conversation, settings);
      const call = await this.callKiro(conversation, settings, turn && ((session, sent) => turn.prepare(session, sent, deadline.signal)));
      answering = true;
      const renderer = this.rendererFor(family, conversion, call);
      const first$ = this.resilientEvents(call, settings);
      const assistant$ = turn ? turn.events({ events$: first$ }, call.conversation, deadline.signal) : first$;
      await lastValueFrom(assistant$.pipe(renderReply(renderer)), { defaultValue: undefined });
      const body = renderer.result();
      await family.settle?.(conversion, body);
      return { body, kiroModel: call.model.kiroModelId };
    } catch (err) {
      if (signal.aborted) throw new ClientAbortedError();
      const error = timedOut ? new UpstreamTimeoutError(`Kiro did not finish within NON_STREAM_TIMEOUT (${this.config.timeouts.nonStreamMs / 1000} s)`) : err;
      if (answering) this.failed(error, context, 'reply');
      throw error;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onClientGone);
    }
  }

  /**
   * An account of the pool (or the tenant's own login), the model that serves the name asked
   * for, the Kiro body, and the call: resolved once Kiro has answered 200 and sent its first
   * bytes. A failure before that fails over to another account (AccountsService.serve).
   */
  private callKiro(conversation: Conversation, settings: CallSettings, prepare?: PrepareFirstCall): Promise<KiroCallInFlight> {
    const { modelName, context, signal } = settings;
    return this.accounts.serve(context.caller, { model: modelName, signal, affinityKey: context.affinityKey }, (lease) => this.callKiroOn(lease, conversation, settings, prepare));
  }

  private async callKiroOn(lease: RequestLease, asked: Conversation, settings: CallSettings, prepare?: PrepareFirstCall): Promise<KiroCallInFlight> {
    const { modelName, context, signal, stream, flow } = settings;
    const session = lease.session;
    if (lease.account !== undefined) context.served.attempt(lease.account);
    // Before the body: a refresh may bring the profile ARN it needs. The call sends this same token.
    const accessToken = await session.getAccessToken(context);
    // The lead web search runs on the account that serves the call; its failure fails over like the call's.
    const conversation = prepare ? await prepare(session, asked) : asked;
    // A macrotask between converting the request and building Kiro's body: for a large
    // conversation each is tens of milliseconds, and other requests get the loop in between.
    await new Promise((resolve) => setImmediate(resolve));
    const model = await this.models.resolve(modelName, session, signal);
    context.served.kiroModel = model.kiroModelId;
    const kiro = this.converter.toKiroRequest(conversation, model, session.profileArn, {
      nativeReasoning: this.models.nativeReasoning(model.kiroModelId, session),
      sessionKey: sessionKeyOf(context),
      cacheCheckpoints: this.models.cacheCheckpoints(model.kiroModelId, session),
    });
    // The prompt's token count (message_start's input_tokens, the usage when Kiro reports none)
    // costs a few milliseconds for an agent's 400 KB turn: counted once the body is on its way,
    // while Kiro works on it, instead of between Kiro's first token and the client's.
    if (settings.countPromptEarly) setImmediate(countQuietly, kiro.promptTokens);
    const upstream = await this.kiro.open({ payload: kiro.payload, session, accessToken, signal, slowModel: model.slow, stream, trace: context, flow });
    settings.countPromptEarly = false;
    return { lease, conversation, model, kiro, upstream };
  }

  /**
   * The response's web search (kiro-protocol.md §9.7), when the request declares one and
   * WEB_SEARCH is on; with it off, the tool is left out as before.
   */
  private searchTurn(asked: Conversation, settings: CallSettings): { conversation: Conversation; turn?: WebSearchTurn } {
    if (!asked.webSearch) return { conversation: asked };
    if (!this.config.webSearch.enabled) {
      this.logger.log(logLine('Left out the web search tool (WEB_SEARCH is off)', settings.context));
      return { conversation: withoutWebSearch(asked) };
    }
    const turn = new WebSearchTurn({
      request: asked.webSearch,
      maxRounds: this.config.webSearch.maxRounds,
      search: (query, signal, session) => {
        // Counted once it has run: a search handed on to another account is still one search.
        const searchOn = async (on: KiroSession) => {
          const results = await this.webSearch.search(on, query, signal, settings.context);
          this.metrics.webSearches.inc();
          return results;
        };
        if (session) return searchOn(session);
        // A search the model asks for mid-turn: on an account of the pool, so that an account
        // without web search, or throttled, hands it to the next one (as the lead search's call does).
        const { context, modelName } = settings;
        return this.accounts.serve(context.caller, { model: modelName, signal, affinityKey: context.affinityKey }, async (lease) => {
          try {
            return await searchOn(lease.session);
          } finally {
            lease.release();
          }
        });
      },
      nextRound: async (conversation) => {
        const call = await this.callKiro(conversation, settings);
        return { events$: this.resilientEvents(call, settings) };
      },
      note: (message) => this.logger.warn(logLine(message, settings.context)),
    });
    return { conversation: asked, turn };
  }

  /**
   * The assistant events of the whole response: the first call's, then, after a transient
   * failure, those of the call asked again (the same conversation before anything was sent, its
   * continuation after).
   */
  private resilientEvents(first: KiroCallInFlight, settings: CallSettings): Observable<AssistantEvent> {
    const conversation = first.conversation;
    return resumable(this.assistantEvents(first, settings.context), {
      maxRetries: this.config.retry.maxRetries,
      maxResumes: this.config.streams.maxResumes,
      maxPartialChars: MAX_RESUMABLE_CHARS,
      recoverCutToolCalls: this.config.streams.toolCallRecovery,
      budget: settings.budget,
      isTransient: isTransientFailure,
      onRecovery: (recovery) => this.recovering(recovery, settings.context),
      onToolCallRecovery: (outcome, error) => this.toolCallRecovered(outcome, error, settings.context),
      reask: async (partial, cutToolCalls) => {
        // On a lease of its own, like every retry and resume: another account may serve it.
        const call = await this.callKiro(cutToolCalls ? toolCallRecoveryOf(conversation, partial, cutToolCalls) : continuationOf(conversation, partial), settings);
        const events$ = this.assistantEvents(call, settings.context);
        // Unread: subscribing and leaving at once aborts the call and frees the account's slot (lease.track).
        return { events$, cancel: () => events$.subscribe({ error: () => undefined }).unsubscribe() };
      },
    });
  }

  /** One Kiro failure absorbed inside a response: counted and logged, never shown to the client. */
  private recovering({ kind, attempt, error, partial }: Recovery, context: RequestContext): void {
    if (kind === 'tool_call') {
      this.metrics.streamRecoveries.inc({ kind });
      this.logger.warn(
        logLine(
          `Asking Kiro again for the cut-off tool call in smaller pieces, after ${partial.text.length} characters and ${partial.toolCalls.length} tool call(s) sent (${attempt}/${this.config.streams.maxResumes})`,
          context,
        ),
      );
      return;
    }
    const { code, message } = classifyError(error);
    this.metrics.upstreamErrors.inc({ kind: `mid_stream:${code ?? 'error'}` });
    this.metrics.streamRecoveries.inc({ kind });
    const what =
      kind === 'retry'
        ? `asking again (${attempt}/${this.config.retry.maxRetries})`
        : `resuming after ${partial.text.length} characters and ${partial.toolCalls.length} tool call(s) sent (${attempt}/${this.config.streams.maxResumes})`;
    this.logger.warn(logLine(`Kiro failed ${kind === 'retry' ? 'before the first content' : 'mid-answer'}: ${message}; ${what}`, context));
  }

  /** How asking again for a cut-off tool call ended: counted, and logged unless a whole call came. */
  private toolCallRecovered(outcome: ToolCallRecoveryOutcome, error: unknown, context: RequestContext): void {
    this.metrics.toolCallRecoveries.inc({ outcome });
    if (outcome === 'recovered') return this.logger.log(logLine('The cut-off tool call came whole when asked again', context));
    const why = outcome === 'cut_again' ? 'Kiro cut it off again' : outcome === 'no_call' ? 'the answer made no call' : `asking again failed: ${classifyError(error).message}`;
    this.logger.warn(logLine(`The cut-off tool call was not recovered (${why}): the turn ended as output cut short`, context));
  }

  /** Kiro's bytes → assistant events: the part of the chain every family shares. */
  private assistantEvents(call: KiroCallInFlight, context: RequestContext): Observable<AssistantEvent> {
    const { firstTokenMs, slowModelMultiplier } = this.config.timeouts;
    const firstContentMs = firstTokenMs * (call.model.slow ? slowModelMultiplier : 1);
    return call.upstream.bytes$.pipe(
      // Kiro's binary event stream → typed Kiro events (both CRCs checked).
      decodeEventStream(),
      // First bytes that are not content (metadata, usage) and then silence: asked again like a
      // first token that never came, not left to STREAM_READ_TIMEOUT.
      firstContentWithin(firstContentMs, () => new FirstTokenTimeoutError(firstContentMs)),
      // → text, reasoning, whole tool calls, and a final `end` with the usage.
      toAssistantEvents(call.kiro.assistant),
      tap((event) => {
        this.noteServed(event, context);
        this.noteCutToolCalls(event, call.model, context);
      }),
      // Metering and the account's verdict on a mid-stream failure; the slot is freed at the end.
      call.lease.track(call.model.kiroModelId),
    );
  }

  private rendererFor<C extends FamilyConversion, Out, Result>(family: ApiFamily<never, C, Out, Result>, conversion: C, call: KiroCallInFlight): Renderer<Out, Result> {
    try {
      return family.renderer(conversion, { promptTokens: call.kiro.promptTokens, promptCached: call.kiro.promptCached });
    } catch (err) {
      // Nobody will read the answer: stop it.
      call.upstream.cancel();
      throw err;
    }
  }

  /** The one failure path of a reply whose Kiro call had started answering; the family renders the error. */
  private failed(error: unknown, context: RequestContext, mode: 'stream' | 'reply'): void {
    const { kind, code, message, expected } = classifyError(error);
    this.metrics.upstreamErrors.inc({ kind: `mid_stream:${code ?? 'error'}` });
    this.metrics.streamErrors.inc({ kind });
    context.markFailed();
    context.served.failed(kind, message);
    const what = mode === 'stream' ? 'Stream ended with an error' : 'Reply failed after Kiro started answering';
    if (expected) this.logger.warn(logLine(`${what}: ${message}`, context));
    else this.logger.error(logLine(`${what}, unexpectedly: ${(error as Error)?.message ?? String(error)}`, context), (error as Error)?.stack);
  }

  /** The request log's view of the answer: when its first content came, and its usage. */
  private noteServed(event: AssistantEvent, context: RequestContext): void {
    const served = context.served;
    if (served.firstContentAt === undefined && event.type !== 'end') served.firstContentAt = process.hrtime.bigint();
    if (event.type === 'end') served.addUsage(event.usage);
  }

  /**
   * Kiro cut a tool call off mid-arguments: the call is left out (and, with TOOL_CALL_RECOVERY,
   * asked for again, see `recovering`); say so and count it.
   */
  private noteCutToolCalls(event: AssistantEvent, model: ResolvedModel, context: RequestContext): void {
    if (event.type !== 'end' || !event.cutToolCalls?.length) return;
    this.metrics.toolCallsCut.inc(event.cutToolCalls.length);
    this.logger.warn(
      logLine(
        `Kiro cut off the arguments of ${event.cutToolCalls.map((name) => `"${name}"`).join(', ')} (${model.kiroModelId}): the call was left out`,
        context,
      ),
    );
  }
}

/**
 * The caller's session for Kiro's conversationId (its prompt cache, kiro-protocol.md §9.6): the
 * same keys as account affinity (§9.2), per caller, so two tenants never share one.
 */
function sessionKeyOf(context: RequestContext): string | undefined {
  const affinity = context.affinityKey();
  if (affinity === undefined) return undefined;
  const caller = context.caller;
  return `${caller.kind === 'tenant' ? caller.tokenHash : 'gateway'}:${affinity}`;
}

/** Counts ahead of need; a failure surfaces where the count is used, not here. */
function countQuietly(count: () => number): void {
  try {
    count();
  } catch {
    // Counted again, and reported, where the figure is needed.
  }
}
