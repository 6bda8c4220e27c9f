import { Inject, Injectable, Logger } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ClientAbortedError, UpstreamError, UpstreamThrottledError, UpstreamTimeoutError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { describeNetworkError, FirstTokenTimeoutError, KiroTokenRejectedError, mapKiroHttpError, mapMidStreamError, mapNetworkError } from './kiro-errors';
import { kiroHeaders } from './kiro-headers';
import type { KiroSession } from './kiro-session';
import { KiroHttpResponse, KiroTransport } from './kiro-transport';
import { Clock } from '../common/clock';
import { retryDelayMs } from './retry-backoff';
import { FlowGate } from '../common/flow-gate';
import { logLine, type RequestTrace } from '../common/request-context';
import { MetricsService } from '../metrics/metrics.service';
import { KiroModelInfo, parseModelList } from './kiro-models';

/** Kiro's bytes are handed to the decoder at most this many at a time. */
const PIECE_BYTES = 64 * 1024;
/** Decoding yields to the event loop once it has held it this long. */
const SLICE_MS = 8;

/** A `generateAssistantResponse` body, serialised and measured once (by the converter). */
export interface KiroPayload {
  json: string;
  bytes: number;
  /** For log lines. */
  modelId: string;
}

export interface KiroCall {
  payload: KiroPayload;
  session: KiroSession;
  /** The session's token, fetched by the caller (it needed it for the body's profile ARN). */
  accessToken: string;
  /** Aborted when the client goes away; cancels waiting, retrying and the upstream body. */
  signal: AbortSignal;
  /** Slow models (Opus) get every timeout multiplied (SLOW_MODEL_TIMEOUT_MULTIPLIER). */
  slowModel: boolean;
  /** The client asked for a stream: send `Connection: close` upstream (KIRO_STREAM_CONNECTION_CLOSE). */
  stream: boolean;
  /** The request served: its id in log lines, its debug recorder. */
  trace?: RequestTrace;
  /** The response's gate, when several calls feed one response (a resumed stream); else one per call. */
  flow?: FlowGate;
}

/**
 * An upstream answer that has already produced its first bytes. Subscribing reads the rest of
 * the body (Kiro's binary event stream); unsubscribing aborts the upstream request.
 */
export interface KiroResponseStream {
  readonly bytes$: Observable<Uint8Array>;
  /** Closed by the writer while the client cannot take more; the upstream body waits. */
  readonly flow: FlowGate;
  /** Aborts the upstream request if nobody subscribes (e.g. the client left in between). */
  cancel(): void;
}

@Injectable()
export class KiroClient {
  private readonly logger = new Logger(KiroClient.name);

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(KiroTransport) private readonly transport: KiroTransport,
    @Inject(Clock) private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Sends the request and resolves once Kiro has answered 200 *and* sent its first bytes, so
   * that every retry (429/5xx/connection errors with backoff, a slow first token, one forced
   * refresh after a rejected token) happens before anything reaches the client.
   */
  async open(call: KiroCall): Promise<KiroResponseStream> {
    const { payload, session, signal, trace } = call;
    trace?.recorder?.kiroRequest(payload.json);
    const upstream = session.upstream;
    const url = `${upstream?.apiHost ?? this.config.kiro.apiHost}/generateAssistantResponse`;
    const { retry, timeouts } = this.config;
    const scale = call.slowModel ? timeouts.slowModelMultiplier : 1;
    const firstTokenMs = timeouts.firstTokenMs * scale;
    const maxAttempts = retry.maxRetries + timeouts.firstTokenMaxRetries + 2;

    const token = new SessionToken(session, call.accessToken, trace);
    let retries = 0;
    let firstTokenRetries = 0;

    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal);
      const attemptAbort = new AbortController();
      const unlink = linkAbort(signal, attemptAbort);
      let response: KiroHttpResponse;
      let iterator: AsyncIterator<Uint8Array> | undefined;
      try {
        response = await this.transport.send({
          method: 'POST',
          url,
          headers: kiroHeaders({
            accessToken: token.value,
            machineId: session.machineId,
            attempt,
            maxAttempts,
            closeConnection: call.stream && this.config.kiro.closeStreamConnections,
            tokenType: upstream?.tokenType,
          }),
          body: payload.json,
          proxy: upstream?.proxy,
          trace,
          signal: attemptAbort.signal,
          headersTimeoutMs: firstTokenMs,
          bodyTimeoutMs: timeouts.streamReadMs * scale,
        });

        if (response.status !== 200) {
          const bodyText = await response.text();
          throw mapKiroHttpError({
            status: response.status,
            bodyText,
            retryAfterHeader: response.headers['retry-after'],
            requestBytes: payload.bytes,
            maxPayloadBytes: this.config.kiro.maxPayloadBytes,
            knownSecrets: [token.value],
          });
        }

        this.logger.debug(logLine(`Kiro answered 200 (attempt ${attempt}, ${payload.bytes} bytes sent, model ${payload.modelId})`, trace));
        iterator = response.body[Symbol.asyncIterator]();
        const first = await this.firstChunk(iterator, firstTokenMs, attemptAbort);
        if (first.done) throw new UpstreamError('Kiro answered 200 with an empty stream', { retryable: true });
        // The caller's signal stays linked for the stream's life: a deadline or a client gone
        // after the first byte must still abort the upstream body.
        return this.responseStream(first, iterator, attemptAbort, unlink, trace, call.flow ?? new FlowGate());
      } catch (err) {
        unlink();
        attemptAbort.abort();
        if (signal.aborted) throw new ClientAbortedError();
        const error = mapNetworkError(err, iterator !== undefined, firstTokenMs);
        if (error !== err && !(error instanceof FirstTokenTimeoutError)) this.logger.warn(logLine(`Kiro network failure: ${describeNetworkError(err)}`, trace));

        this.metrics.upstreamErrors.inc({ kind: error.code ?? error.kind });
        if (await token.refreshedAfter(error)) {
          this.metrics.upstreamRetries.inc({ reason: 'token_rejected' });
          continue;
        }
        if (error instanceof FirstTokenTimeoutError) {
          if (firstTokenRetries < timeouts.firstTokenMaxRetries) {
            firstTokenRetries++;
            this.metrics.upstreamRetries.inc({ reason: 'first_token_timeout' });
            this.logger.warn(logLine(`No first token from Kiro within ${firstTokenMs} ms; retry ${firstTokenRetries}/${timeouts.firstTokenMaxRetries}`, trace));
            continue;
          }
          throw new UpstreamTimeoutError(
            `Kiro sent no first token within ${firstTokenMs / 1000} s (tried ${firstTokenRetries + 1} times)`,
          );
        }
        const delayMs = error.retryable ? retryDelayMs(retry.baseDelayMs, retries, error.retryAfterSeconds) : undefined;
        if (delayMs !== undefined && retries < retry.maxRetries) {
          retries++;
          this.metrics.upstreamRetries.inc({ reason: error.code ?? error.kind });
          this.logger.warn(logLine(`${error.message}; retry ${retries}/${retry.maxRetries} in ${delayMs} ms`, trace));
          await this.clock.sleep(delayMs, signal).catch(() => undefined);
          continue;
        }
        // Throttling that outlasted the retries: tell the client when to come back.
        if (error instanceof UpstreamThrottledError && error.retryAfterSeconds === undefined) {
          throw new UpstreamThrottledError(error.message, Math.max(1, Math.ceil((delayMs ?? this.config.retry.baseDelayMs) / 1000)));
        }
        throw error;
      }
    }
  }

  /** Kiro's model catalog (`ListAvailableModels`, all pages), parsed leniently (kiro-protocol.md §4.1). */
  async listAvailableModels(session: KiroSession, signal: AbortSignal = AbortSignal.timeout(30_000)): Promise<KiroModelInfo[]> {
    const models: KiroModelInfo[] = [];
    let nextToken: string | undefined;
    const token = new SessionToken(session, await session.getAccessToken());
    for (let page = 0; page < 20; page++) {
      const query = new URLSearchParams({ origin: 'AI_EDITOR' });
      if (session.profileArn) query.set('profileArn', session.profileArn);
      if (nextToken) query.set('nextToken', nextToken);
      const response = await this.transport.send({
        method: 'GET',
        url: `${session.upstream?.qHost ?? this.config.kiro.qHost}/ListAvailableModels?${query}`,
        headers: kiroHeaders({ accessToken: token.value, machineId: session.machineId, attempt: 1, maxAttempts: 1, closeConnection: false, tokenType: session.upstream?.tokenType }),
        proxy: session.upstream?.proxy,
        signal,
        headersTimeoutMs: 30_000,
        bodyTimeoutMs: 30_000,
      });
      const text = await response.text(4 * 1024 * 1024);
      if (response.status !== 200) {
        const error = mapKiroHttpError({
          status: response.status,
          bodyText: text,
          retryAfterHeader: response.headers['retry-after'],
          knownSecrets: [token.value],
        });
        if (await token.refreshedAfter(error)) {
          page--;
          continue;
        }
        throw error;
      }
      const parsed = parseModelList(text);
      models.push(...parsed.models);
      nextToken = parsed.nextToken;
      if (!nextToken) break;
    }
    return models;
  }

  private async firstChunk(
    iterator: AsyncIterator<Uint8Array>,
    timeoutMs: number,
    abort: AbortController,
  ): Promise<IteratorResult<Uint8Array>> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new FirstTokenTimeoutError(timeoutMs));
        abort.abort();
      }, timeoutMs);
    });
    try {
      return await Promise.race([iterator.next(), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private responseStream(
    first: IteratorResult<Uint8Array>,
    iterator: AsyncIterator<Uint8Array>,
    abort: AbortController,
    unlink: () => void,
    trace: RequestTrace | undefined,
    flow: FlowGate,
  ): KiroResponseStream {
    const recorder = trace?.recorder;
    const streamReadMs = this.config.timeouts.streamReadMs;
    const bytes$ = new Observable<Uint8Array>((subscriber) => {
      let finished = false;
      void (async () => {
        try {
          let next = first;
          let sliceStarted = performance.now();
          while (!next.done) {
            recorder?.kiroResponseChunk(next.value);
            // While Kiro's bytes are buffered, `iterator.next()` resolves without ever returning to
            // the event loop, and one read can hold megabytes (200,000 tiny frames held the loop
            // for 80–280 ms): hand the bytes on in pieces, and yield once a slice of time is used.
            for (let at = 0; at < next.value.length; at += PIECE_BYTES) {
              subscriber.next(next.value.length <= PIECE_BYTES ? next.value : next.value.subarray(at, at + PIECE_BYTES));
              if (subscriber.closed) return;
              if (performance.now() - sliceStarted > SLICE_MS) {
                await new Promise((resolve) => setImmediate(resolve));
                if (subscriber.closed) return;
                sliceStarted = performance.now();
              }
            }
            const gate = flow.wait();
            if (gate) {
              await gate;
              if (subscriber.closed) return;
            }
            next = await iterator.next();
          }
          finished = true;
          unlink();
          subscriber.complete();
        } catch (err) {
          finished = true;
          unlink();
          if (subscriber.closed) return;
          const error = mapMidStreamError(err, streamReadMs);
          if (error !== err) this.logger.warn(logLine(`Kiro's answer broke off: ${describeNetworkError(err)}`, trace));
          subscriber.error(error);
        }
      })();
      return () => {
        unlink();
        if (!finished) abort.abort();
      };
    });
    return {
      bytes$,
      flow,
      cancel: () => {
        unlink();
        abort.abort();
      },
    };
  }
}

/**
 * The access token of one call, refreshed at most once when Kiro says the bearer token is
 * invalid (kiro-protocol.md §3.4): a second rejection is final, never a refresh loop.
 */
export class SessionToken {
  private refreshed = false;
  private readonly logger = new Logger(KiroClient.name);

  constructor(
    private readonly session: KiroSession,
    public value: string,
    private readonly trace?: RequestTrace,
  ) {}

  /** True when `error` was a rejected token and a fresh one is now held: retry the call. */
  async refreshedAfter(error: unknown): Promise<boolean> {
    if (!(error instanceof KiroTokenRejectedError) || this.refreshed) return false;
    this.refreshed = true;
    this.logger.warn(logLine('Kiro rejected the access token; refreshing once and retrying', this.trace));
    this.value = await this.session.refreshAfterRejection(this.value, this.trace);
    return true;
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new ClientAbortedError();
}

/** Aborting `parent` aborts `child`; returns the unlink function. */
function linkAbort(parent: AbortSignal, child: AbortController): () => void {
  const onAbort = () => child.abort();
  parent.addEventListener('abort', onAbort, { once: true });
  return () => parent.removeEventListener('abort', onAbort);
}

