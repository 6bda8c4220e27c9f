import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { createHttpAdapter } from './common/http/http-server';
import { PinoLoggerService } from './common/logging/pino-logger.service';
import { APP_VERSION } from './common/version';
import { describeProxyKeySource, parseGatewayEnv, type RawEnv } from './config/env.schema';
import { loadGatewayConfig } from './config/gateway.config';
import { describeStartupFailure, ListenError, type ListenTarget } from './startup/startup-failure';

export interface GatewayStartOptions {
  /**
   * `npm run demo`: exactly these settings (never `.env`), with demo mode on. Only code can start
   * the demo: no variable can, so a line in `.env` cannot re-enable the demo key.
   */
  demo?: { env: RawEnv };
}

/** Starts the gateway; a failure ends the process with its lines printed (see `fail`). */
export function startGateway(options: GatewayStartOptions = {}): Promise<void> {
  let target: ListenTarget | undefined;
  let logger: PinoLoggerService | undefined;
  const bootstrap = async (): Promise<void> => {
    // Parsed once, before Nest starts, and handed to the app as it is: bad values are plain
    // lines naming their variables rather than a framework stack trace.
    const config = options.demo ? parseGatewayEnv(options.demo.env, { demo: true }) : loadGatewayConfig();
    target = config.server;
    logger = new PinoLoggerService(config.logging);
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), { bodyParser: false, bufferLogs: true, abortOnError: false });
    app.useLogger(logger);
    // From here on lines are written as they come, so a failure below never swallows them.
    app.flushLogs();
    const log = new Logger('Gateway');
    log.log(`Proxy key: ${describeProxyKeySource(config.server.proxyApiKeySource)}`);
    configureApp(app, config);
    // Modules start here (credentials are loaded), before the port is taken.
    await app.init();
    const { host, port } = config.server;
    // The start-up lines are being written before clients can arrive.
    await logger.ready;
    // Fastify compiles its routes and hooks here (app.listen would do it; the server's own listen does not).
    await app.getHttpAdapter().getInstance().ready();
    await listen(app.getHttpServer() as Server, port, host);
    const local = host === '0.0.0.0' || host === '::' ? ` (http://localhost:${port})` : '';
    log.log(`kiro-gateway ${APP_VERSION} listening on ${host}:${port}${local}; docs at /docs and /redoc; Ctrl+C or SIGTERM stops it`);
  };
  return bootstrap().catch((err: unknown) => fail(err, target, logger));
}

/**
 * The HTTP server's own listen, not `app.listen`, which logs a listen error as a bare
 * `Error: listen EADDRINUSE …` line before rejecting: the failure gets its own line instead.
 */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => reject(new ListenError(err));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

function fail(err: unknown, target: ListenTarget | undefined, logger: PinoLoggerService | undefined): never {
  Logger.flush();
  // The log lines before the failure (which credentials were picked) come out before it.
  logger?.flush();
  const lines = describeStartupFailure(err, target);
  if (lines) {
    // The user's to fix: one line per problem, no stack trace.
    for (const line of lines) console.error(`kiro-gateway cannot start: ${line}`);
  } else {
    console.error('kiro-gateway failed to start:', err);
  }
  process.exit(1);
}
