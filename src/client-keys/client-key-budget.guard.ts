import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requestContextOf } from '../common/request-context';
import { ClientKeysService } from './client-keys.service';

/** Methods that read what is there (models, usage, a stored response) and never spend credits. */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A key past its daily or monthly budget gets a 429 naming the budget and its reset, before its
 * body is read. Runs after the key and rate-limit guards. A request already running when the
 * budget is crossed finishes; the next one is refused.
 */
@Injectable()
export class ClientKeyBudgetGuard implements CanActivate {
  constructor(private readonly keys: ClientKeysService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = requestContextOf(request).caller.key;
    if (key && !READS.has(request.method)) this.keys.admit(key);
    return true;
  }
}
