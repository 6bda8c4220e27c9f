import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { classifyError, ClientAbortedError } from '../errors';
import { requestContextOf } from '../request-context';
import { renderError } from './api-family';

/**
 * Every error, whatever threw it, leaves in the caller's API family envelope (OpenAI's or
 * Anthropic's) with the right status. Nothing is written once the response has started (a stream
 * reports its own failures as a final event) or when the client has already gone.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    if (exception instanceof ClientAbortedError) return;
    const rendered = renderError(request, exception);
    const { kind, message } = classifyError(exception);
    requestContextOf(request).served.failed(kind, message);
    if (!rendered.expected) {
      this.logger.error(`${request.method} ${request.originalUrl} failed unexpectedly`, (exception as Error)?.stack);
    }
    if (response.headersSent || response.destroyed) return;
    response.status(rendered.status).set(rendered.headers).json(rendered.body);
  }
}
