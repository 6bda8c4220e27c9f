import { applyDecorators, CanActivate, ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthFailureThrottle } from '../auth/auth-failure-throttle';
import { clientAddressKey } from '../auth/client-address';
import { AdminSessions, type AdminSession, CSRF_HEADER, sessionCookieOf } from '../admin-console/admin-sessions';
import { AuthBackoffError, AuthenticationError, NotFoundError, PermissionDeniedError } from '../common/errors';
import { JsonBodyGuard } from '../common/http/json-body.guard';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';

/**
 * ADMIN_API_KEY, as `Authorization: Bearer KEY`: separate from the proxy key, compared as SHA-256
 * digests in constant time, wrong keys counted against the client address like the proxy key's.
 * The console's session cookie (AdminSessions, made by logging in with the same key) is accepted
 * too; a change made with the cookie must also carry the session's CSRF token and, when the
 * browser names an Origin, come from this host. Without ADMIN_API_KEY the admin API does not exist (404).
 */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  private readonly keyDigest: Buffer | undefined;

  constructor(
    @Inject(gatewayConfig.KEY) config: GatewayConfig,
    private readonly throttle: AuthFailureThrottle,
    private readonly sessions: AdminSessions,
  ) {
    this.keyDigest = config.admin.apiKey ? digest(config.admin.apiKey) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.keyDigest) throw new NotFoundError('The admin API is off: set ADMIN_API_KEY to turn it on.', 'not_found');
    const address = clientAddressKey(request.ip);
    const wait = this.throttle.retryAfterSeconds(address);
    if (wait !== undefined) throw new AuthBackoffError(wait);
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization?.trim() ?? '')?.[1]?.trim();
    if (bearer === undefined) {
      const cookie = sessionCookieOf(request.headers.cookie);
      if (cookie !== undefined) return this.bySession(request, cookie, address);
    }
    if (!bearer || !this.keyMatches(bearer)) {
      this.throttle.recordFailure(address);
      throw new AuthenticationError('Invalid or missing admin key. Send it as "Authorization: Bearer <ADMIN_API_KEY>".');
    }
    this.throttle.recordSuccess(address);
    return true;
  }

  private bySession(request: FastifyRequest, cookie: string, address: string): boolean {
    const session = this.sessions.verify(cookie);
    if (!session) {
      this.throttle.recordFailure(address);
      throw new AuthenticationError('The console session has expired or was ended: log in again.');
    }
    if (!SAFE_METHODS.has(request.method)) {
      const token = request.headers[CSRF_HEADER];
      if (!crossOriginFree(request) || !this.sessions.csrfMatches(session, typeof token === 'string' ? token : undefined)) {
        throw new PermissionDeniedError(`A change made with the console's session needs its ${CSRF_HEADER} header, from this origin.`);
      }
    }
    adminSessions.set(request, session);
    return true;
  }

  private keyMatches(key: string): boolean {
    return timingSafeEqual(digest(key), this.keyDigest!);
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The console session a request came with, once the guard accepted it. */
const adminSessions = new WeakMap<FastifyRequest, AdminSession>();

export function adminSessionOf(request: FastifyRequest): AdminSession | undefined {
  return adminSessions.get(request);
}

/** No Origin (not a browser's cross-origin request), or one naming this very host. */
function crossOriginFree(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The admin routes: the guard, then the JSON body, documented under their own tag (`admin` unless named) and scheme. */
export function RequiresAdminKey(tag = 'admin'): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth('admin-key'),
    UseGuards(AdminKeyGuard, JsonBodyGuard),
    ApiUnauthorizedResponse({ description: 'Missing or wrong ADMIN_API_KEY.' }),
  );
}
