import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import type { FlowGate } from '../flow-gate';
import { toOpenAIError } from '../errors';
import { abortOnClientGone } from '../http/client-abort';
import { ActiveStreams } from './active-streams';
import { type SseFormat, writeSse } from './sse-writer';

/** What a front end hands its controller for a stream: its events and the backpressure gate. */
export interface StreamingReply<T> {
  events$: Observable<T>;
  flow: FlowGate;
  /** The stream's own final block when it is cut from outside (shutdown), if the format's is not right. */
  formatError?: (error: unknown) => string;
}

export interface ReplyHandlers<E, T> {
  /** The API family's wire format for this stream. */
  format: SseFormat<E>;
  stream(signal: AbortSignal): Promise<StreamingReply<E>>;
  complete(signal: AbortSignal): Promise<T>;
}

/**
 * The part every generation route shares: a signal for the client going away, the request's
 * model and mode for the log line, then either an SSE stream (registered for graceful shutdown,
 * with backpressure) or one JSON body.
 */
@Injectable()
export class ReplyWriter {
  private readonly logger = new Logger('Streams');

  constructor(private readonly activeStreams: ActiveStreams) {}

  async send<E, T>(response: Response, request: { model: string; stream?: boolean | null }, handlers: ReplyHandlers<E, T>): Promise<void> {
    const signal = abortOnClientGone(response);
    response.locals.model = request.model;
    response.locals.stream = request.stream === true;
    if (request.stream) {
      const reply = await handlers.stream(signal);
      writeSse(response, reply.events$, {
        format: reply.formatError ? { ...handlers.format, error: reply.formatError } : handlers.format,
        flow: reply.flow,
        registry: this.activeStreams,
        onError: (error) => this.logger.warn(`Stream ended with an error: ${toOpenAIError(error).body.error.message}`),
      });
      return;
    }
    response.status(200).json(await handlers.complete(signal));
  }
}
