import type { Clock } from '../common/clock';
import type { GatewayConfig } from '../config/gateway.config';
import { AdminSessions, sessionCookieOf } from './admin-sessions';

const KEY = 'admin-key-for-the-session-tests';

function sessionsAt(clock: { now: number }, apiKey = KEY): AdminSessions {
  const config = { admin: { apiKey: apiKey || undefined, sessionTtlMs: 60_000 } } as unknown as GatewayConfig;
  return new AdminSessions(config, { now: () => clock.now, sleep: () => Promise.resolve() } satisfies Clock);
}

describe(AdminSessions.name, () => {
  it('accepts the cookie it issued, with the same CSRF token, until it expires', () => {
    const clock = { now: 1_000_000 };
    const sessions = sessionsAt(clock);
    const { cookieValue, session } = sessions.issue();

    expect(sessions.verify(cookieValue)).toEqual(session);
    expect(sessions.csrfMatches(session, session.csrfToken)).toBe(true);
    expect(sessions.csrfMatches(session, 'x'.repeat(session.csrfToken.length))).toBe(false);
    expect(sessions.csrfMatches(session, undefined)).toBe(false);
    clock.now += 60_000;
    expect(sessions.verify(cookieValue)).toBeUndefined();
  });

  it('never holds the key, and refuses a forged, altered or other-key cookie', () => {
    const clock = { now: 1_000_000 };
    const sessions = sessionsAt(clock);
    const { cookieValue } = sessions.issue();
    const [expiry, nonce, mac] = cookieValue.split('.');

    expect(cookieValue).not.toContain(KEY);
    expect(sessions.verify(`${Number(expiry) + 1_000_000}.${nonce}.${mac}`)).toBeUndefined();
    expect(sessions.verify(`${expiry}.${nonce}x.${mac}`)).toBeUndefined();
    expect(sessions.verify('garbage')).toBeUndefined();
    expect(sessionsAt(clock, 'another-admin-key-entirely').verify(cookieValue)).toBeUndefined();
    expect(sessionsAt(clock, '').verify(cookieValue)).toBeUndefined();
  });

  it('ends a session at logout', () => {
    const sessions = sessionsAt({ now: 1_000_000 });
    const { cookieValue, session } = sessions.issue();

    sessions.revoke(session);
    expect(sessions.verify(cookieValue)).toBeUndefined();
  });

  it('sets an HttpOnly, SameSite=Strict cookie for /admin, Secure over HTTPS, and clears it', () => {
    const sessions = sessionsAt({ now: 0 });

    expect(sessions.cookieHeader('v', false)).toBe('kiro_admin_session=v; Max-Age=60; Path=/admin; HttpOnly; SameSite=Strict');
    expect(sessions.cookieHeader('v', true)).toBe('kiro_admin_session=v; Max-Age=60; Path=/admin; HttpOnly; SameSite=Strict; Secure');
    expect(sessions.cookieHeader(undefined, false)).toBe('kiro_admin_session=; Max-Age=0; Path=/admin; HttpOnly; SameSite=Strict');
  });

  it('reads its cookie among others', () => {
    expect(sessionCookieOf('a=1; kiro_admin_session=1.abc.def; b=2')).toBe('1.abc.def');
    expect(sessionCookieOf('a=1')).toBeUndefined();
    expect(sessionCookieOf(undefined)).toBeUndefined();
  });
});
