import { Injectable, Logger, Optional } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ClientKeysService } from '../client-keys/client-keys.service';
import { ShuttingDownError } from '../common/errors';
import { abortOnClientGone } from '../common/http/client-abort';
import { routePattern } from '../common/http/request-tracking';
import { logLine, type RequestContext } from '../common/request-context';
import { ActiveStreams } from './active-streams';
import type { ApiFamily, FamilyConversion, GenerationRequest } from './api-family';
import { GenerationPipeline, type GenerationStream } from './generation-pipeline';
import { writeSse } from './sse-writer';

/** The model that really answered, on every generation route (names may be served by another model). */
export const KIRO_MODEL_HEADER = 'x-kiro-model';

/**
 * The HTTP edge of every generation route: a signal for the client going away, the request's
 * model and mode for its log line, then either one JSON body or an SSE stream (registered for
 * graceful shutdown, with backpressure).
 */
@Injectable()
export class ReplyWriter {
  private readonly logger = new Logger('Streams');

  constructor(
    private readonly pipeline: GenerationPipeline,
    private readonly activeStreams: ActiveStreams,
    @Optional() private readonly keys?: ClientKeysService,
  ) {}

  async send<Req extends GenerationRequest, C extends FamilyConversion, Out, Result>(
    reply: FastifyReply,
    context: RequestContext,
    family: ApiFamily<Req, C, Out, Result>,
    request: Req,
  ): Promise<void> {
    const stream = request.stream === true;
    context.generation = { model: request.model, stream };
    // The caller's key may be limited to some models: refused before any work.
    this.keys?.assertModel(context.caller, request.model);
    const signal = abortOnClientGone(reply.raw);
    if (!stream) {
      const answer = await this.pipeline.complete(family, request, context, signal);
      reply.status(200).header(KIRO_MODEL_HEADER, answer.kiroModel).send(answer.body);
      return;
    }
    const answer = await this.startStream(signal, (startSignal) => this.pipeline.stream(family, request, context, startSignal));
    // The stream is written on the raw response, past Fastify.
    reply.hijack();
    const response = reply.raw;
    response.setHeader(KIRO_MODEL_HEADER, answer.kiroModel);
    const route = routePattern(reply.request) ?? 'unmatched';
    const written = writeSse(response, answer.events$, {
      format: family.sseFormat(),
      flow: answer.flow,
      onFirstEvent: () => this.activeStreams.firstEvent(route, request.model, context.startedAt),
      onDefect: (error) => this.logger.error(logLine(`The stream broke while being written: ${(error as Error)?.message ?? String(error)}`, context), (error as Error)?.stack),
    });
    // Shutdown ends it through the pipeline's failure path: the family's own error event.
    written.add(this.activeStreams.add({ terminate: (reason) => answer.cut(new ShuttingDownError(reason)) }));
  }

  /**
   * Waits for Kiro's first bytes as a registered "starting" stream, so that shutdown waits for it
   * within the grace period and then refuses it with a 503 instead of leaving it hanging.
   */
  private async startStream<Out>(clientSignal: AbortSignal, start: (signal: AbortSignal) => Promise<GenerationStream<Out>>): Promise<GenerationStream<Out>> {
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
      return await start(controller.signal);
    } catch (err) {
      if (shutdown) throw new ShuttingDownError(shutdown);
      throw err;
    } finally {
      done();
    }
  }
}
