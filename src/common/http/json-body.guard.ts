import { CanActivate, ExecutionContext, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { gatewayConfig, type GatewayConfig } from '../../config/gateway.config';
import { type JsonBodyLimits, readJsonBody } from './json-body';
import { JsonParseWorker } from './json-parse-worker';

/** Bodies from this size (or of unknown size) are parsed in one macrotask and handled in the next. */
const LARGE_BODY_BYTES = 256 * 1024;

/** Reads JSON bodies within the configured bounds, with the one parse worker of the process. */
@Injectable()
export class JsonBodyReader implements OnApplicationShutdown {
  private readonly limits: JsonBodyLimits;
  private readonly worker = new JsonParseWorker();

  constructor(@Inject(gatewayConfig.KEY) config: GatewayConfig) {
    this.limits = { bodyBytes: config.limits.bodyBytes, inflateRatio: config.limits.inflateRatio, elements: config.limits.jsonElements };
  }

  read(request: IncomingMessage): ReturnType<typeof readJsonBody> {
    return readJsonBody(request, this.limits, this.worker);
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.close();
  }
}

/**
 * Reads the JSON body of a route as the route's last guard, once the key, rate-limit and budget
 * guards passed, so that nothing of an unauthenticated request's body is read, inflated or
 * parsed. A guard rather than an interceptor: Nest's interceptor chain costs an RxJS pipeline
 * per request for what is one awaited read.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  constructor(private readonly reader: JsonBodyReader) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') {
      request.body = await this.reader.read(request.raw);
      // A large body is parsed; converting it is the next slice of work, after others had the loop.
      if (Number(request.headers['content-length'] ?? LARGE_BODY_BYTES) >= LARGE_BODY_BYTES) await new Promise((resolve) => setImmediate(resolve));
    }
    return true;
  }
}

@Global()
@Module({ providers: [JsonBodyReader], exports: [JsonBodyReader] })
export class JsonBodyModule {}
