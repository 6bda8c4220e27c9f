import { BadRequestException, ValidationError } from '@nestjs/common';
import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { InvalidRequestError } from './common/errors';
import { ApiExceptionFilter } from './common/http/api-exception.filter';
import { handleFrameworkErrors, readNoBodies } from './common/http/http-server';
import { RequestTracking } from './common/http/request-tracking';
import { BodyValidationPipe } from './common/http/shallow-validation';
import { affinityKeyOf } from './accounts/affinity-key';
import { DebugDumps } from './debug/debug-dumps';
import { MetricsService } from './metrics';
import type { GatewayConfig } from './config/gateway.config';
import { setupDocs } from './docs/setup-docs';
import { RequestLogService } from './admin-console/request-log/request-log.service';
import { setupAdminConsole } from './admin-console/setup-admin-console';

/**
 * Everything main.ts and the e2e tests share: request tracking, CORS, validation that answers in
 * the caller's envelope, the docs, and graceful shutdown hooks. There is no body parser: a route
 * reads its JSON body after its guards passed (JsonBodyGuard), so no byte of an unauthenticated
 * request's body is read, inflated or parsed. Errors raised before any route (Fastify's own) go
 * through Nest's error handler to the same exception filter as every other error.
 */
export function configureApp(app: NestFastifyApplication, config: GatewayConfig): void {
  const adapter = app.getHttpAdapter() as FastifyAdapter;
  readNoBodies(adapter.getInstance());
  const level = config.logging.level;
  const requestLogLevels = level === 'DEBUG' || level === 'INFO' ? (['log', 'warn'] as const) : level === 'WARNING' ? (['warn'] as const) : ([] as const);
  const requestLog = app.get(RequestLogService);
  const tracking = new RequestTracking(app.get(MetricsService), app.get(DebugDumps), [config.server.proxyApiKey, ...config.clientKeys.static.map((key) => key.secret)], requestLogLevels, requestLog);
  // Nest's first request hook: ahead of CORS, so a preflight is tracked like any request.
  adapter.setOnRequestHook((request, reply, done) => {
    const context = tracking.track(request, reply);
    // Asked for by the account pool once the body has been read (after the key was checked).
    // Once per request: the pool and the Kiro body's conversation id both ask for it.
    let key: { value: string | undefined } | undefined;
    context.affinityKey = () => (key ??= { value: affinityKeyOf(request.headers, request.body) }).value;
    done();
  });
  // Every error, wherever it is raised, in the caller's envelope; a request that passed no hook is tracked there.
  const errors = new ApiExceptionFilter((request, reply) => tracking.track(request, reply));
  app.useGlobalFilters(errors);
  handleFrameworkErrors(adapter, (error, request, reply) => errors.answer(error, request, reply));
  const { corsOrigins } = config.server;
  if (corsOrigins === '*' || corsOrigins.length > 0) {
    // Browser clients (Open WebUI, LobeChat, NextChat) call from their own origin.
    app.enableCors({
      origin: corsOrigins === '*' ? '*' : corsOrigins,
      // As Express's cors did: every method the API and the admin API use, and a plain OPTIONS
      // (a load balancer's health check: HAProxy's httpchk) answered 204, not refused as a bad preflight.
      methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
      strictPreflight: false,
      exposedHeaders: ['X-Request-ID', 'X-Process-Time', 'request-id', 'Retry-After', 'x-should-retry', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests', 'x-kiro-model'],
      maxAge: 600,
    });
  }
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
