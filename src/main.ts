import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureApp, nestLogLevels } from './app.setup';
import { ConfigValidationError } from './config/env.schema';
import { gatewayConfig, type GatewayConfig } from './config/gateway.config';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true });
  const config = app.get<GatewayConfig>(gatewayConfig.KEY);
  app.useLogger(nestLogLevels(config.logging.level));
  configureApp(app, config);
  await app.listen(config.server.port, config.server.host);
  const shownHost = config.server.host === '0.0.0.0' ? 'localhost' : config.server.host;
  new Logger('Gateway').log(`kiro-gateway listening on http://${shownHost}:${config.server.port} (docs: /docs, /redoc)`);
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
