import { CallHandler, ExecutionContext, Global, Inject, Injectable, Module, NestInterceptor, OnApplicationShutdown } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
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

  read(request: Request): ReturnType<typeof readJsonBody> {
    return readJsonBody(request, this.limits, this.worker);
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.close();
  }
}

/**
 * Reads the JSON body of a route once its guards have passed, so that nothing of an
 * unauthenticated request's body is read, inflated or parsed (interceptors run after guards and
 * before pipes, as Nest's own FileInterceptor reads multipart bodies).
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(private readonly reader: JsonBodyReader) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') {
      request.body = await this.reader.read(request);
      // A large body is parsed; converting it is the next slice of work, after others had the loop.
      if (Number(request.headers['content-length'] ?? LARGE_BODY_BYTES) >= LARGE_BODY_BYTES) await new Promise((resolve) => setImmediate(resolve));
    }
    return next.handle();
  }
}

@Global()
@Module({ providers: [JsonBodyReader], exports: [JsonBodyReader] })
export class JsonBodyModule {}
