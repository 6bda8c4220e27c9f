import type { Clock } from '../common/clock';
import { parseGatewayEnv } from '../config/env.schema';
import { fingerprint } from './fingerprint';
import { AuthService } from './auth.service';
import type { CredentialStore } from './credential-store';
import type { KiroCredential } from './kiro-credential';
import type { RefreshedToken, TokenRefresher } from './token-refresher';

class FakeClock implements Clock {
  time = 1_000_000_000_000;
  now(): number {
    return this.time;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

/** Rotates on every refresh, like Kiro with rotation on: the token it was given dies. */
class RotatingRefresher implements TokenRefresher {
  readonly presented: string[] = [];
  private readonly alive = new Set<string>(['tenant-token-0']);
  private generation = 0;

  async refresh(credential: KiroCredential): Promise<RefreshedToken> {
    this.presented.push(credential.refreshToken);
    if (!this.alive.delete(credential.refreshToken)) throw new Error(`dead token ${credential.refreshToken}`);
    const next = `tenant-token-${++this.generation}`;
    this.alive.add(next);
    return { accessToken: `access-${this.generation}`, refreshToken: next, expiresInSeconds: 3600 };
  }
}

describe(AuthService.name, () => {
  const config = parseGatewayEnv({ PROXY_API_KEY: 'k', KIRO_HOME: '/nonexistent' });
  const tenant = { kind: 'tenant' as const, refreshToken: 'tenant-token-0', tokenHash: fingerprint('tenant-token-0') };

  it('keeps serving a tenant whose token rotated after its session was evicted', async () => {
    const clock = new FakeClock();
    const refresher = new RotatingRefresher();
    const auth = new AuthService(config, refresher, clock, { persist: async () => undefined } as unknown as CredentialStore);
    await auth.onModuleInit();

    await auth.sessionFor(tenant).getAccessToken();
    clock.time += 2 * 60 * 60 * 1000; // idle past the tenant cache's expiry: the session is rebuilt
    const again = await auth.sessionFor(tenant).getAccessToken();

    expect(again).toBe('access-2');
    expect(refresher.presented).toEqual(['tenant-token-0', 'tenant-token-1']);
  });

  it('reuses a tenant session within its idle time', async () => {
    const clock = new FakeClock();
    const refresher = new RotatingRefresher();
    const auth = new AuthService(config, refresher, clock, { persist: async () => undefined } as unknown as CredentialStore);
    await auth.onModuleInit();

    const first = auth.sessionFor(tenant);
    await first.getAccessToken();

    expect(auth.sessionFor(tenant)).toBe(first);
    expect(refresher.presented).toEqual(['tenant-token-0']);
  });
});
