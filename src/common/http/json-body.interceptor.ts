import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { gatewayConfig, type GatewayConfig } from '../../config/gateway.config';
import { type JsonBodyLimits, readJsonBody } from './json-body';

/**
 * Reads the JSON body of a route once its guards have passed, so that nothing of an
 * unauthenticated request's body is read, inflated or parsed (interceptors run after guards and
 * before pipes, as Nest's own FileInterceptor reads multipart bodies).
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly limits: JsonBodyLimits;

  constructor(@Inject(gatewayConfig.KEY) config: GatewayConfig) {
    this.limits = { bodyBytes: config.limits.bodyBytes, inflateRatio: config.limits.inflateRatio, elements: config.limits.jsonElements };
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') request.body = await readJsonBody(request, this.limits);
    return next.handle();
  }
}
