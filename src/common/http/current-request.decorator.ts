import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type RequestContext, requestContextOf } from '../request-context';

/** The request's typed {@link RequestContext} (id, timing, debug recorder, caller). */
export const CurrentRequest = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext =>
  requestContextOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
