import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { classifyError, ClientAbortedError } from '../errors';
import { findRequestContext, type RequestContext } from '../request-context';
import { renderError } from './api-family';

/**
 * Every error, whatever threw it, leaves in the caller's API family envelope (OpenAI's or
 * Anthropic's) with the right status. Nothing is written once the response has started (a stream
 * reports its own failures as a final event) or when the client has already gone.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    /**
     * Tracks a request that reached no request hook: Fastify hands some malformed URLs (`%ZZ` in
     * a path no route has) straight to the not-found handler.
     */
    private readonly track: (request: FastifyRequest, reply: FastifyReply) => RequestContext,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    this.answer(exception, host.switchToHttp().getRequest<FastifyRequest>(), host.switchToHttp().getResponse<FastifyReply>());
  }

  /** Also for Fastify's errors raised before routing (a malformed URL), which reach no filter. */
  answer(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    if (exception instanceof ClientAbortedError) return leaveUnanswered(reply);
    const rendered = renderError(request, exception);
    const { kind, message } = classifyError(exception);
    (findRequestContext(request) ?? this.track(request, reply)).served.failed(kind, message);
    if (!rendered.expected) {
      this.logger.error(`${request.method} ${request.url} failed unexpectedly`, (exception as Error)?.stack);
    }
    if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) return leaveUnanswered(reply);
    // The type too: a route's own (text/plain for /metrics) must not be kept for the error's JSON.
    reply.status(rendered.status).headers(rendered.headers).type('application/json; charset=utf-8').send(rendered.body);
  }
}

/**
 * Nothing is written (the client has gone, or a stream already started and ends itself); Fastify
 * is told so, or it would answer the request itself once the handler returns.
 */
function leaveUnanswered(reply: FastifyReply): void {
  if (!reply.sent) reply.hijack();
}
