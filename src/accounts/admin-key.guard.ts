import { applyDecorators, CanActivate, ExecutionContext, Inject, Injectable, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthFailureThrottle } from '../auth/auth-failure-throttle';
import { clientAddressKey } from '../auth/client-address';
import { AuthBackoffError, AuthenticationError, NotFoundError } from '../common/errors';
import { JsonBodyInterceptor } from '../common/http/json-body.interceptor';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';

/**
 * ADMIN_API_KEY, as `Authorization: Bearer KEY`: separate from the proxy key, compared as SHA-256
 * digests in constant time, wrong keys counted against the client address like the proxy key's.
 * Without ADMIN_API_KEY the admin API does not exist (404).
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  private readonly keyDigest: Buffer | undefined;

  constructor(
    @Inject(gatewayConfig.KEY) config: GatewayConfig,
    private readonly throttle: AuthFailureThrottle,
  ) {
    this.keyDigest = config.admin.apiKey ? digest(config.admin.apiKey) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!this.keyDigest) throw new NotFoundError('The admin API is off: set ADMIN_API_KEY to turn it on.', 'not_found');
    const address = clientAddressKey(request.ip);
    const wait = this.throttle.retryAfterSeconds(address);
    if (wait !== undefined) throw new AuthBackoffError(wait);
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization?.trim() ?? '')?.[1]?.trim();
    if (!bearer || !timingSafeEqual(digest(bearer), this.keyDigest)) {
      this.throttle.recordFailure(address);
      throw new AuthenticationError('Invalid or missing admin key. Send it as "Authorization: Bearer <ADMIN_API_KEY>".');
    }
    this.throttle.recordSuccess(address);
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The admin routes: the guard, then the JSON body, documented under their own tag and scheme. */
export function RequiresAdminKey(): ClassDecorator {
  return applyDecorators(
    ApiTags('admin'),
    ApiBearerAuth('admin-key'),
    UseGuards(AdminKeyGuard),
    UseInterceptors(JsonBodyInterceptor),
    ApiUnauthorizedResponse({ description: 'Missing or wrong ADMIN_API_KEY.' }),
  );
}
