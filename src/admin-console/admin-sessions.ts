import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Clock } from '../common/clock';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';

/** The console's session cookie: HttpOnly, SameSite=Strict, only for /admin. */
export const SESSION_COOKIE = 'kiro_admin_session';
/** The header a cookie-authenticated change must carry (the page reads the token from the session answer). */
export const CSRF_HEADER = 'x-csrf-token';
/** Logged-out sessions remembered until they would have expired, at most this many. */
const MAX_REVOKED = 10_000;

export interface AdminSession {
  nonce: string;
  expiresAt: number;
  csrfToken: string;
}

/**
 * Console logins, stateless: the cookie is `expiry.nonce.MAC`, the MAC keyed by a key derived
 * from ADMIN_API_KEY, so every replica accepts it, no session table grows with logins, and a new
 * ADMIN_API_KEY ends every session. The key itself never leaves the login request. The CSRF token
 * is a second MAC over the nonce: a page of another origin can neither read it nor, with
 * SameSite=Strict, make the browser send the cookie. A logout is remembered (bounded) until the
 * session would have expired.
 */
@Injectable()
export class AdminSessions {
  private readonly key: Buffer | undefined;
  private readonly ttlMs: number;
  private readonly revoked = new Map<string, number>();

  constructor(@Inject(gatewayConfig.KEY) config: GatewayConfig, @Inject(Clock) private readonly clock: Clock) {
    this.key = config.admin.apiKey ? createHmac('sha256', config.admin.apiKey).update('kiro-gateway admin console session').digest() : undefined;
    this.ttlMs = config.admin.sessionTtlMs;
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  issue(): { cookieValue: string; session: AdminSession } {
    const expiresAt = this.clock.now() + this.ttlMs;
    const nonce = randomBytes(18).toString('base64url');
    const payload = `${expiresAt}.${nonce}`;
    return { cookieValue: `${payload}.${this.mac(`session.${payload}`)}`, session: { nonce, expiresAt, csrfToken: this.mac(`csrf.${nonce}`) } };
  }

  /** The session a cookie value stands for, if it is ours, unexpired and not logged out. */
  verify(cookieValue: string | undefined): AdminSession | undefined {
    if (!this.key || !cookieValue || cookieValue.length > 200) return undefined;
    const parts = cookieValue.split('.');
    if (parts.length !== 3) return undefined;
    const [expiry, nonce, mac] = parts;
    if (!/^\d{1,16}$/.test(expiry) || !sameText(mac, this.mac(`session.${expiry}.${nonce}`))) return undefined;
    const expiresAt = Number(expiry);
    if (expiresAt <= this.clock.now() || this.revoked.has(nonce)) return undefined;
    return { nonce, expiresAt, csrfToken: this.mac(`csrf.${nonce}`) };
  }

  csrfMatches(session: AdminSession, presented: string | undefined): boolean {
    return presented !== undefined && sameText(presented, session.csrfToken);
  }

  revoke(session: AdminSession): void {
    const now = this.clock.now();
    for (const [nonce, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(nonce);
    // Full of live sessions: the oldest logout is forgotten (its cookie was cleared in that browser anyway).
    if (this.revoked.size >= MAX_REVOKED) this.revoked.delete(this.revoked.keys().next().value as string);
    this.revoked.set(session.nonce, session.expiresAt);
  }

  /** The Set-Cookie value for a session (or, with no session, the one that clears it). */
  cookieHeader(cookieValue: string | undefined, secure: boolean): string {
    const attributes = ['Path=/admin', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
    if (cookieValue === undefined) return [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attributes].join('; ');
    return [`${SESSION_COOKIE}=${cookieValue}`, `Max-Age=${Math.floor(this.ttlMs / 1000)}`, ...attributes].join('; ');
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key!).update(text).digest('base64url');
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The session cookie's value from a Cookie header (no cookie parser: one name is all we read). */
export function sessionCookieOf(header: string | undefined): string | undefined {
  if (!header || header.length > 8_192) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
