import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { PinoLoggerService } from './common/logging/pino-logger.service';
import { ConfigValidationError, parseGatewayEnv } from './config/env.schema';
import { gatewayConfig, type GatewayConfig } from './config/gateway.config';

async function bootstrap(): Promise<void> {
  // Importing AppModule has merged .env into process.env: check it before Nest starts, so that a
  // bad value is one clear line naming the variable rather than a framework stack trace.
  parseGatewayEnv(process.env);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true });
  const config = app.get<GatewayConfig>(gatewayConfig.KEY);
  app.useLogger(new PinoLoggerService(config.logging));
  configureApp(app, config);
  await app.listen(config.server.port, config.server.host);
  const { host, port } = config.server;
  const local = host === '0.0.0.0' || host === '::' ? ` (http://localhost:${port})` : '';
  new Logger('Gateway').log(`kiro-gateway listening on ${host}:${port}${local}; docs at /docs and /redoc`);
}

bootstrap().catch((err: unknown) => {
  // A bad setting is the user's to fix: say which, without a stack trace.
  const configError = findConfigError(err);
  if (configError) {
    console.error(`kiro-gateway cannot start: ${configError.message}`);
  } else {
    console.error('kiro-gateway failed to start:', err);
  }
  process.exit(1);
});

function findConfigError(err: unknown): ConfigValidationError | undefined {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ConfigValidationError) return e;
  }
  return undefined;
}
