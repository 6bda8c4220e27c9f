import { BadRequestException, type INestApplication, ValidationError } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { InvalidRequestError } from './common/errors';
import { renderError } from './common/http/api-family';
import { RequestTrackingMiddleware } from './common/http/request-tracking.middleware';
import { BodyValidationPipe } from './common/http/shallow-validation';
import { requestContextOf } from './common/request-context';
import { affinityKeyOf } from './accounts/affinity-key';
import { DebugDumps } from './debug/debug-dumps';
import { MetricsService } from './metrics';
import type { GatewayConfig } from './config/gateway.config';
import { setupDocs } from './docs/setup-docs';
import { RequestLogService } from './admin-console/request-log/request-log.service';
import { setupAdminConsole } from './admin-console/setup-admin-console';

/**
 * Everything main.ts and the e2e tests share: request tracking, CORS, validation that answers in
 * the caller's envelope, the docs, and graceful shutdown hooks. There is no global body parser:
 * a route reads its JSON body after its guards passed (JsonBodyInterceptor), so no byte of an
 * unauthenticated request's body is read, inflated or parsed.
 */
export function configureApp(app: INestApplication, config: GatewayConfig): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // No ETag: Express would hash every JSON reply (a 1 MB answer is milliseconds of SHA-1 on the
  // event loop) for a header no API client sends back.
  express.set('etag', false);
  // Whose X-Forwarded-For is believed for the client address (per-address auth back-off).
  express.set('trust proxy', config.security.trustProxy);
  const level = config.logging.level;
  const requestLogLevels = level === 'DEBUG' || level === 'INFO' ? (['log', 'warn'] as const) : level === 'WARNING' ? (['warn'] as const) : ([] as const);
  const requestLog = app.get(RequestLogService);
  const tracking = new RequestTrackingMiddleware(app.get(MetricsService), app.get(DebugDumps), [config.server.proxyApiKey, ...config.clientKeys.static.map((key) => key.secret)], requestLogLevels, requestLog);
  express.use((req: Request, res: Response, next: NextFunction) => tracking.use(req, res, next));
  const { corsOrigins } = config.server;
  if (corsOrigins === '*' || corsOrigins.length > 0) {
    // Browser clients (Open WebUI, LobeChat, NextChat) call from their own origin.
    express.enableCors({
      origin: corsOrigins === '*' ? '*' : corsOrigins,
      exposedHeaders: ['X-Request-ID', 'X-Process-Time', 'request-id', 'Retry-After', 'x-should-retry', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests', 'x-kiro-model'],
      maxAge: 600,
    });
  }
  // Asked for by the account pool once the body has been read (after the key was checked).
  // Once per request: the pool and the Kiro body's conversation id both ask for it.
  express.use((req: Request, _res: Response, next: NextFunction) => {
    let key: { value: string | undefined } | undefined;
    requestContextOf(req).affinityKey = () => (key ??= { value: affinityKeyOf(req.headers, req.body) }).value;
    next();
  });
  // Errors raised before any route (Express itself) still leave in the caller's envelope.
  express.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const rendered = renderError(req, error);
    res.status(rendered.status).set(rendered.headers).json(rendered.body);
  });
  app.useGlobalPipes(
    new BodyValidationPipe({
      transform: false,
      forbidUnknownValues: false,
      exceptionFactory: (errors: ValidationError[]) => validationError(errors),
    }),
  );
  // process.exit() rather than re-raising the signal: on 'exit', pino waits for its writer thread
  // to write out the last lines ("stopped"); a re-raised signal ends the process without that.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  setupDocs(app);
  setupAdminConsole(app, config);
}

function validationError(errors: ValidationError[]): BadRequestException | InvalidRequestError {
  const first = firstLeaf(errors[0]);
  if (!first) return new BadRequestException('Invalid request body');
  const constraint = Object.values(first.error.constraints ?? {})[0] ?? 'is invalid';
  // class-validator phrases constraints as "<property> must be …"; keep the dotted path in front.
  const message = constraint.startsWith(first.error.property) ? constraint.replace(first.error.property, first.path) : `${first.path}: ${constraint}`;
  return new InvalidRequestError(message, first.path);
}

function firstLeaf(error: ValidationError | undefined, prefix = ''): { error: ValidationError; path: string } | undefined {
  if (!error) return undefined;
  const path = prefix ? `${prefix}.${error.property}` : error.property;
  if (error.constraints && Object.keys(error.constraints).length > 0) return { error, path };
  return firstLeaf(error.children?.[0], path);
}
