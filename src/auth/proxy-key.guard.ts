import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../common/errors';
import { JsonBodyInterceptor } from '../common/http/json-body.interceptor';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import type { Principal } from './principal';
import { fingerprint } from './fingerprint';

type AuthenticatedRequest = Request & { principal?: Principal };

/**
 * Accepts the proxy key as `Authorization: Bearer KEY`, a raw `Authorization: KEY` (what Swagger
 * UI's API-key scheme sends) or `x-api-key: KEY`; `KEY:REFRESH_TOKEN` makes the caller a tenant.
 * Keys are compared as SHA-256 digests with `timingSafeEqual`, so neither length nor content leaks.
 */
@Injectable()
export class ProxyKeyGuard implements CanActivate {
  private readonly keyDigest: Buffer;

  constructor(@Inject(gatewayConfig.KEY) config: GatewayConfig) {
    this.keyDigest = digest(config.server.proxyApiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = presentedKey(request);
    if (presented === undefined) throw new AuthenticationError();
    request.principal = this.authenticate(presented);
    return true;
  }

  private authenticate(presented: string): Principal {
    if (this.matches(presented)) return { kind: 'gateway' };
    const separator = presented.indexOf(':');
    if (separator > 0 && this.matches(presented.slice(0, separator))) {
      const refreshToken = presented.slice(separator + 1).trim();
      if (!refreshToken) throw new AuthenticationError('The refresh token after "KEY:" is empty.');
      return { kind: 'tenant', refreshToken, tenantId: fingerprint(refreshToken).slice(0, 12) };
    }
    throw new AuthenticationError();
  }

  private matches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.keyDigest);
  }
}

function presentedKey(request: Request): string | undefined {
  const authorization = request.headers.authorization?.trim();
  if (authorization) {
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
    return bearer ? bearer[1].trim() : authorization;
  }
  const apiKey = request.headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value?.trim() || undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Guards a route with the proxy key (then the rate limit), reads its JSON body only once both
 * passed, and documents the schemes in Swagger.
 */
export function RequiresProxyKey(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ProxyKeyGuard, RateLimitGuard),
    UseInterceptors(JsonBodyInterceptor),
    ApiBearerAuth('proxy-key'),
    ApiSecurity('x-api-key'),
    ApiUnauthorizedResponse({ description: 'Missing or wrong proxy key (OpenAI error envelope).' }),
  );
}

/** The caller established by the guard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return request.principal ?? { kind: 'gateway' };
});
