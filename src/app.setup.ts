import { BadRequestException, type INestApplication, LogLevel, ValidationError, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { InvalidRequestError } from './common/errors';
import { renderError } from './common/http/api-family';
import type { GatewayConfig } from './config/gateway.config';
import { setupDocs } from './docs/setup-docs';

/** Nest log levels for the Python service's LOG_LEVEL names. */
export function nestLogLevels(level: GatewayConfig['logging']['level']): LogLevel[] {
  switch (level) {
    case 'DEBUG':
      return ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
    case 'INFO':
      return ['fatal', 'error', 'warn', 'log'];
    case 'WARNING':
      return ['fatal', 'error', 'warn'];
    default:
      return ['fatal', 'error'];
  }
}

/**
 * Everything main.ts and the e2e tests share: body parsing with BODY_LIMIT, validation that
 * answers in OpenAI's envelope, the docs, and graceful shutdown hooks.
 */
export function configureApp(app: INestApplication, config: GatewayConfig): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // Every route takes JSON: parse it whatever Content-Type a client sent (curl -d says
  // x-www-form-urlencoded), so that a missing header never reads as "model should not be empty".
  express.useBodyParser('json', { limit: config.server.bodyLimit, type: () => true });
  // body-parser fails before any route: its errors need an Express error handler of their own.
  express.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const rendered = renderError(req, error);
    res.status(rendered.status).set(rendered.headers).json(rendered.body);
  });
  app.useGlobalPipes(
    new ValidationPipe({
      transform: false,
      forbidUnknownValues: false,
      exceptionFactory: (errors: ValidationError[]) => validationError(errors),
    }),
  );
  app.enableShutdownHooks();
  setupDocs(app);
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
