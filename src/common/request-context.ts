import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { InternalError } from './errors';

/** What the pipeline may record about the request it serves (debug dumps). */
export interface RequestRecorder {
  kiroRequest(body: string): void;
  kiroResponseChunk(bytes: Uint8Array): void;
  /** The request failed after its status was sent (a mid-stream error). */
  markFailed(): void;
}

/**
 * What code deep in a request's path (the Kiro client, a token refresh) needs of it: its id for
 * log lines, and the debug recorder when DEBUG_MODE records it. Handed down explicitly.
 */
export interface RequestTrace {
  readonly requestId: string;
  readonly recorder?: RequestRecorder;
}

/** What a generation route serves, for the request's log line and metrics. */
export interface GenerationSummary {
  model: string;
  stream: boolean;
}

/** At most this many accounts are kept in one request's attempt chain. */
const MAX_ATTEMPTS_KEPT = 32;

/**
 * What served a generation request and what it cost, filled in along the pipeline for the
 * admin console's request log: the accounts asked in order, the Kiro model, when the first
 * content came, the usage Kiro reported, and the kind of error that ended it, if any.
 */
export class ServedRecord {
  readonly attempts: string[] = [];
  kiroModel: string | undefined;
  /** process.hrtime.bigint() at Kiro's first content event. */
  firstContentAt: bigint | undefined;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  cachedTokens: number | undefined;
  credits: number | undefined;
  errorKind: string | undefined;
  errorMessage: string | undefined;

  attempt(account: string): void {
    if (this.attempts.length < MAX_ATTEMPTS_KEPT) this.attempts.push(account);
  }

  /** One Kiro answer's usage; a resumed response adds its continuation's. */
  addUsage(usage: { inputTokens: number; outputTokens: number; credits?: number; cacheReadInputTokens?: number }): void {
    this.inputTokens = (this.inputTokens ?? 0) + usage.inputTokens;
    this.outputTokens = (this.outputTokens ?? 0) + usage.outputTokens;
    if (usage.cacheReadInputTokens !== undefined) this.cachedTokens = (this.cachedTokens ?? 0) + usage.cacheReadInputTokens;
    if (usage.credits !== undefined) this.credits = (this.credits ?? 0) + usage.credits;
  }

  failed(kind: string, message: string): void {
    this.errorKind = kind;
    this.errorMessage = message;
  }
}

/**
 * One request's state, typed: created by request tracking (the first request hook) before anything else
 * runs, the caller set by ProxyKeyGuard, the generation named by the reply writer. Handlers get
 * it through `@CurrentRequest()`; nothing travels in `res.locals` or in module-level storage.
 */
export class RequestContext implements RequestTrace {
  /** Set by ProxyKeyGuard; read through {@link caller}. */
  principal: Principal | undefined;
  generation: GenerationSummary | undefined;
  /** What served it (the request log). */
  readonly served = new ServedRecord();
  /** The request's session-affinity key (kiro-protocol.md §9.2), computed when first asked for (configureApp sets it). */
  affinityKey: () => string | undefined = () => undefined;

  constructor(
    readonly requestId: string,
    /** process.hrtime.bigint() when the request arrived. */
    readonly startedAt: bigint,
    readonly recorder: RequestRecorder | undefined,
  ) {}

  /**
   * The caller the guard established. A route without the guard fails loudly here rather than
   * serving with the gateway's own Kiro login.
   */
  get caller(): Principal {
    if (!this.principal) throw new InternalError('This route reads the caller but has no proxy-key guard (RequiresProxyKey) to establish one.');
    return this.principal;
  }

  markFailed(): void {
    this.recorder?.markFailed();
  }
}

const contexts = new WeakMap<FastifyRequest, RequestContext>();

export function attachRequestContext(request: FastifyRequest, context: RequestContext): void {
  contexts.set(request, context);
}

/** The request's context, if request tracking has seen it (Fastify answers some malformed URLs before any hook). */
export function findRequestContext(request: FastifyRequest): RequestContext | undefined {
  return contexts.get(request);
}

/** The request's context; every request that reached a route has one (request tracking runs first). */
export function requestContextOf(request: FastifyRequest): RequestContext {
  const context = contexts.get(request);
  if (!context) throw new InternalError('The request has no context: request tracking (configureApp) is not installed.');
  return context;
}

/**
 * A log message carrying the id of the request being served, if any (a structured field, so a
 * retry or a failed refresh can be matched to the request's own log line and X-Request-ID).
 */
export function logLine(msg: string, trace: RequestTrace | undefined): string | { msg: string; requestId: string } {
  return trace === undefined ? msg : { msg, requestId: trace.requestId };
}
