import { Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * X-Request-ID (echoed when the client sent a sane one, else generated), X-Process-Time (time to
 * the response headers) and one log line per request once the response has ended. A middleware
 * installed ahead of the body parser, not an interceptor: it must also cover requests that the
 * parser or a guard refuses or no route matches, and a stream's timing ends when the stream
 * ends, not when the handler returns.
 */
export class RequestTrackingMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    response.locals.requestId = requestId;
    response.setHeader('X-Request-ID', requestId);
    // Anthropic's SDKs read the id from `request-id`.
    response.setHeader('request-id', requestId);

    const writeHead = response.writeHead;
    response.writeHead = function (this: Response, ...args: unknown[]) {
      if (!this.headersSent) this.setHeader('X-Process-Time', elapsedSeconds(started).toFixed(4));
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response['writeHead'];

    let logged = false;
    const log = (outcome: 'finished' | 'client closed') => {
      if (logged) return;
      logged = true;
      const line = {
        requestId,
        method: request.method,
        path: request.originalUrl.split('?')[0],
        status: response.statusCode,
        durationMs: Math.round(elapsedSeconds(started) * 1000),
        ...(outcome === 'client closed' ? { outcome } : {}),
        ...(response.locals.model ? { model: response.locals.model } : {}),
        ...(response.locals.stream !== undefined ? { stream: response.locals.stream } : {}),
      };
      const message = JSON.stringify(line);
      if (response.statusCode >= 500) this.logger.warn(message);
      else this.logger.log(message);
    };
    response.once('finish', () => log('finished'));
    response.once('close', () => log(response.writableFinished ? 'finished' : 'client closed'));
    next();
  }
}

function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
