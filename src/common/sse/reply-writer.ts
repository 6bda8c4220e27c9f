import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import type { FlowGate } from '../flow-gate';
import { ShuttingDownError, toOpenAIError } from '../errors';
import { MetricsService } from '../../metrics/metrics.service';
import { abortOnClientGone } from '../http/client-abort';
import { ActiveStreams } from './active-streams';
import { type SseFormat, writeSse } from './sse-writer';

/** What a front end hands its controller for a stream: its events and the backpressure gate. */
export interface StreamingReply<T> {
  events$: Observable<T>;
  flow: FlowGate;
  /** The Kiro model that answers (sent as `x-kiro-model`: it may differ from the name asked for). */
  kiroModel: string;
  /** The stream's own final block when it is cut from outside (shutdown), if the format's is not right. */
  formatError?: (error: unknown) => string;
}

/** A whole answer, and the Kiro model that gave it. */
export interface CompletedReply<T> {
  body: T;
  kiroModel: string;
}

export interface ReplyHandlers<E, T> {
  /** The API family's wire format for this stream. */
  format: SseFormat<E>;
  stream(signal: AbortSignal): Promise<StreamingReply<E>>;
  complete(signal: AbortSignal): Promise<CompletedReply<T>>;
}

/** The model that really answered, on every generation route (names may be served by another model). */
export const KIRO_MODEL_HEADER = 'x-kiro-model';

/**
 * The part every generation route shares: a signal for the client going away, the request's
 * model and mode for the log line, then either an SSE stream (registered for graceful shutdown,
 * with backpressure) or one JSON body.
 */
@Injectable()
export class ReplyWriter {
  private readonly logger = new Logger('Streams');

  constructor(
    private readonly activeStreams: ActiveStreams,
    private readonly metrics: MetricsService,
  ) {}

  async send<E, T>(response: Response, request: { model: string; stream?: boolean | null }, handlers: ReplyHandlers<E, T>): Promise<void> {
    const signal = abortOnClientGone(response);
    response.locals.model = request.model;
    response.locals.stream = request.stream === true;
    if (!request.stream) {
      const reply = await handlers.complete(signal);
      response.setHeader(KIRO_MODEL_HEADER, reply.kiroModel);
      response.status(200).json(reply.body);
      return;
    }
    const reply = await this.startStream(signal, handlers);
    response.setHeader(KIRO_MODEL_HEADER, reply.kiroModel);
    writeSse(response, reply.events$, {
      format: reply.formatError ? { ...handlers.format, error: reply.formatError } : handlers.format,
      flow: reply.flow,
      registry: this.activeStreams,
      onError: (error) => {
        const { message, code } = toOpenAIError(error).body.error;
        this.metrics.upstreamErrors.inc({ kind: `mid_stream:${code ?? 'error'}` });
        this.logger.warn(`Stream ended with an error: ${message}`);
      },
    });
  }

  /**
   * Waits for Kiro's first bytes as a registered "starting" stream, so that shutdown waits for it
   * within the grace period and then refuses it with a 503 instead of leaving it hanging.
   */
  private async startStream<E, T>(clientSignal: AbortSignal, handlers: ReplyHandlers<E, T>): Promise<StreamingReply<E>> {
    const controller = new AbortController();
    const onClientGone = () => controller.abort();
    clientSignal.addEventListener('abort', onClientGone, { once: true });
    let shutdown: string | undefined;
    const done = this.activeStreams.addStarting({
      terminate: (reason) => {
        shutdown = reason;
        controller.abort();
      },
    });
    try {
      return await handlers.stream(controller.signal);
    } catch (err) {
      if (shutdown) throw new ShuttingDownError(shutdown);
      throw err;
    } finally {
      done();
    }
  }
}
