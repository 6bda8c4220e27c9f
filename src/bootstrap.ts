import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { PinoLoggerService } from './common/logging/pino-logger.service';
import { APP_VERSION } from './common/version';
import { describeProxyKeySource } from './config/env.schema';
import { gatewayConfig, loadGatewayConfig, type GatewayConfig } from './config/gateway.config';
import { describeStartupFailure, type ListenTarget } from './startup/startup-failure';

/** Starts the gateway; a failure ends the process with its lines printed (see `fail`). */
export function startGateway(): Promise<void> {
  let target: ListenTarget | undefined;
  const bootstrap = async (): Promise<void> => {
    // Importing AppModule has merged .env into process.env: check it before Nest starts, so that
    // bad values are plain lines naming their variables rather than a framework stack trace.
    target = loadGatewayConfig().server;
    const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true, abortOnError: false });
    const config = app.get<GatewayConfig>(gatewayConfig.KEY);
    app.useLogger(new PinoLoggerService(config.logging));
    // From here on lines are written as they come, so a failure below never swallows them.
    app.flushLogs();
    const logger = new Logger('Gateway');
    logger.log(`Proxy key: ${describeProxyKeySource(config.server.proxyApiKeySource)}`);
    configureApp(app, config);
    // Modules start here (credentials are loaded), before the port is taken.
    await app.init();
    const { host, port } = config.server;
    await listen(app.getHttpServer() as Server, port, host);
    const local = host === '0.0.0.0' || host === '::' ? ` (http://localhost:${port})` : '';
    logger.log(`kiro-gateway ${APP_VERSION} listening on ${host}:${port}${local}; docs at /docs and /redoc; Ctrl+C or SIGTERM stops it`);
  };
  return bootstrap().catch((err: unknown) => fail(err, target));
}

/**
 * The HTTP server's own listen, not `app.listen`, which logs a listen error as a bare
 * `Error: listen EADDRINUSE …` line before rejecting: the failure gets its own line instead.
 */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function fail(err: unknown, target: ListenTarget | undefined): never {
  Logger.flush();
  const lines = describeStartupFailure(err, target);
  if (lines) {
    // The user's to fix: one line per problem, no stack trace.
    for (const line of lines) console.error(`kiro-gateway cannot start: ${line}`);
  } else {
    console.error('kiro-gateway failed to start:', err);
  }
  process.exit(1);
}
