import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthBackoffError, AuthenticationError } from '../common/errors';
import { JsonBodyGuard } from '../common/http/json-body.guard';
import { requestContextOf } from '../common/request-context';
import type { ClientKey } from '../client-keys/client-key';
import { ClientKeyBudgetGuard } from '../client-keys/client-key-budget.guard';
import { ClientKeysService } from '../client-keys/client-keys.service';
import { keyDigest } from '../client-keys/key-secret';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { clientAddressKey } from './client-address';
import type { Principal } from './principal';
import { fingerprint } from './fingerprint';
import { TenantGate } from './tenant-gate';

/** Kiro refresh tokens are printable ASCII (base64url-like, sometimes with `:`), a few KB at most. */
const TENANT_TOKEN = /^[\x21-\x7e]{1,8192}$/;

/**
 * Accepts the proxy key as `Authorization: Bearer KEY`, a raw `Authorization: KEY` (what Swagger
 * UI's API-key scheme sends) or `x-api-key: KEY`; `KEY:REFRESH_TOKEN` makes the caller a tenant.
 * A key is any client key (ClientKeysService): looked up by its SHA-256 digest, so no secret is
 * ever compared byte by byte and neither its length nor its content leaks through timing.
 * Runs on the raw request, before any byte of the body is read (routes read it after the guards).
 * Wrong keys and refused tenant tokens count against the client address, which then backs off;
 * tenant tokens not known yet are admitted within a quota per address.
 */
@Injectable()
export class ProxyKeyGuard implements CanActivate {
  /** ADMIN_API_KEY's digest: compared as digests, like every key here, never byte by byte. */
  private readonly adminDigest: string | undefined;

  constructor(
    private readonly keys: ClientKeysService,
    private readonly throttle: AuthFailureThrottle,
    private readonly tenants: TenantGate,
    @Inject(gatewayConfig.KEY) config: GatewayConfig,
  ) {
    this.adminDigest = config.admin.apiKey ? keyDigest(config.admin.apiKey) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    requestContextOf(request).principal = this.authenticate(request);
    return true;
  }

  /** The caller, or a 401 / 429 in the caller's API family. */
  authenticate(request: FastifyRequest): Principal {
    const address = clientAddressKey(request.ip);
    const wait = this.throttle.retryAfterSeconds(address);
    if (wait !== undefined) throw new AuthBackoffError(wait);
    const presented = presentedKey(request);
    if (presented === undefined) throw new AuthenticationError();
    let principal: Principal;
    try {
      principal = this.principalFor(presented);
      if (principal.kind === 'tenant') this.tenants.admit(principal.tokenHash, address);
    } catch (err) {
      if (err instanceof AuthenticationError) this.throttle.recordFailure(address);
      throw err;
    }
    this.throttle.recordSuccess(address);
    return principal;
  }

  /**
   * For the operator's views (/metrics on the API port, the details of /health and
   * /health/ready): PROXY_API_KEY (the key named `default`, alone or in front of a refresh token)
   * or ADMIN_API_KEY. Any other client key is a client's, not the operator's: it gets the same 401
   * as no key. A wrong key counts against the address as everywhere; a valid client key does not.
   */
  authenticateOperator(request: FastifyRequest): void {
    const address = clientAddressKey(request.ip);
    const wait = this.throttle.retryAfterSeconds(address);
    if (wait !== undefined) throw new AuthBackoffError(wait);
    const presented = presentedKey(request);
    const key = presented === undefined ? undefined : this.keyIn(presented);
    if ((key?.source === 'default' && key.enabled) || (presented !== undefined && this.isAdminKey(presented))) {
      this.throttle.recordSuccess(address);
      return;
    }
    if (presented !== undefined && !key) this.throttle.recordFailure(address);
    throw new AuthenticationError('Invalid or missing key: this needs PROXY_API_KEY or ADMIN_API_KEY, as "Authorization: Bearer <key>".');
  }

  /** Whether the caller presented PROXY_API_KEY or ADMIN_API_KEY (see authenticateOperator); never throws. */
  isOperator(request: FastifyRequest): boolean {
    if (presentedKey(request) === undefined) return false;
    try {
      this.authenticateOperator(request);
      return true;
    } catch {
      return false;
    }
  }

  /** The client key presented alone or in front of `:REFRESH_TOKEN`. */
  private keyIn(presented: string): ClientKey | undefined {
    const separator = presented.indexOf(':');
    return this.keys.lookup(presented) ?? (separator > 0 ? this.keys.lookup(presented.slice(0, separator)) : undefined);
  }

  private isAdminKey(presented: string): boolean {
    return this.adminDigest !== undefined && keyDigest(presented) === this.adminDigest;
  }

  /** Any client key (PROXY_API_KEY, PROXY_API_KEYS, a created one), alone or as `KEY:REFRESH_TOKEN`. */
  private principalFor(presented: string): Principal {
    const key = this.keys.lookup(presented);
    if (key) {
      this.keys.assertEnabled(key);
      return { kind: 'gateway', key };
    }
    const separator = presented.indexOf(':');
    const tenantKey = separator > 0 ? this.keys.lookup(presented.slice(0, separator)) : undefined;
    if (tenantKey) {
      this.keys.assertEnabled(tenantKey);
      const refreshToken = presented.slice(separator + 1).trim();
      if (!refreshToken) throw new AuthenticationError('The refresh token after "KEY:" is empty.');
      if (!TENANT_TOKEN.test(refreshToken)) throw new AuthenticationError('The refresh token after "KEY:" is not a Kiro refresh token (printable characters, no spaces, at most 8192).');
      return { kind: 'tenant', refreshToken, tokenHash: fingerprint(refreshToken), key: tenantKey };
    }
    throw new AuthenticationError();
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization?.trim();
  if (authorization) {
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
    return bearer ? bearer[1].trim() : authorization;
  }
  const apiKey = request.headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value?.trim() || undefined;
}

/**
 * Guards a route with the proxy key (then the rate limit, then the key's budgets), reads its JSON
 * body only once they all passed, and documents the schemes in Swagger. A route's own guard goes
 * into this list, before JsonBodyGuard, not into a method's @UseGuards: Nest runs a class's
 * guards before its methods', so a method's guard would run after the body was read.
 */
export function RequiresProxyKey(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(ProxyKeyGuard, RateLimitGuard, ClientKeyBudgetGuard, JsonBodyGuard),
    ApiBearerAuth('proxy-key'),
    ApiSecurity('x-api-key'),
    ApiUnauthorizedResponse({ description: 'Missing or wrong proxy key (OpenAI error envelope).' }),
  );
}

/** The caller established by the guard; a route without the guard fails instead of serving as the gateway. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => requestContextOf(context.switchToHttp().getRequest<FastifyRequest>()).caller,
);
