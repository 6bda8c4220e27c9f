import type { Clock } from '../common/clock';
import { CredentialsError } from '../common/errors';
import type { KiroCredential } from './kiro-credential';
import { REFRESH_AHEAD_MS, REFUSED_BACKOFF_MS, TokenManager } from './token-manager';
import type { RefreshedToken, TokenRefresher } from './token-refresher';

class FakeClock implements Clock {
  constructor(public time = 1_000_000_000_000) {}
  now(): number {
    return this.time;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

class FakeRefresher implements TokenRefresher {
  calls: string[] = [];
  next: () => Promise<RefreshedToken> = async () => ({ accessToken: `access-${this.calls.length}`, expiresInSeconds: 3600 });
  refresh(credential: KiroCredential): Promise<RefreshedToken> {
    this.calls.push(credential.refreshToken);
    return this.next();
  }
}

const credential = (extra: Partial<KiroCredential> = {}): KiroCredential => ({
  refreshToken: 'refresh-0',
  flow: 'social',
  source: { kind: 'env' },
  ...extra,
});

describe(TokenManager.name, () => {
  let clock: FakeClock;
  let refresher: FakeRefresher;

  beforeEach(() => {
    clock = new FakeClock();
    refresher = new FakeRefresher();
  });

  it('uses a held token while it is far from expiry', async () => {
    const manager = new TokenManager(credential({ accessToken: 'held', expiresAt: clock.time + REFRESH_AHEAD_MS + 1 }), { refresher, clock });

    expect(await manager.getAccessToken()).toBe('held');
    expect(refresher.calls).toEqual([]);
  });

  it('refreshes ahead of expiry', async () => {
    const manager = new TokenManager(credential({ accessToken: 'held', expiresAt: clock.time + REFRESH_AHEAD_MS - 1 }), { refresher, clock });

    expect(await manager.getAccessToken()).toBe('access-1');
  });

  it('stores the new expiry a minute early', async () => {
    const manager = new TokenManager(credential(), { refresher, clock });
    await manager.getAccessToken();

    expect(manager.expiresAt).toBe(clock.time + 3540 * 1000);
  });

  it('runs one refresh for many concurrent callers', async () => {
    let release: () => void = () => undefined;
    refresher.next = () => new Promise((resolve) => (release = () => resolve({ accessToken: 'shared', expiresInSeconds: 3600 })));
    const manager = new TokenManager(credential(), { refresher, clock });

    const waiting = Promise.all(Array.from({ length: 12 }, () => manager.getAccessToken()));
    release();

    expect(await waiting).toEqual(Array(12).fill('shared'));
    expect(refresher.calls).toHaveLength(1);
  });

  it('keeps using a still-valid token when the refresh ahead of expiry fails', async () => {
    refresher.next = () => Promise.reject(new Error('token service down'));
    const manager = new TokenManager(credential({ accessToken: 'held', expiresAt: clock.time + 60_000 }), { refresher, clock });

    expect(await manager.getAccessToken()).toBe('held');
  });

  it('fails when the token has expired and the refresh fails', async () => {
    refresher.next = () => Promise.reject(new CredentialsError('refused'));
    const manager = new TokenManager(credential({ accessToken: 'held', expiresAt: clock.time - 1 }), { refresher, clock });

    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(CredentialsError);
  });

  it('does not ask again for a refused refresh token until the backoff has passed', async () => {
    refresher.next = () => Promise.reject(new CredentialsError('refused'));
    const manager = new TokenManager(credential(), { refresher, clock });

    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(CredentialsError);
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(CredentialsError);
    clock.time += REFUSED_BACKOFF_MS;
    await expect(manager.getAccessToken()).rejects.toBeInstanceOf(CredentialsError);

    expect(refresher.calls).toHaveLength(2);
  });

  it('adopts a rotated refresh token and reports it once', async () => {
    const rotated: string[] = [];
    refresher.next = async () => ({ accessToken: 'a', refreshToken: 'refresh-1', expiresInSeconds: 3600 });
    const manager = new TokenManager(credential(), { refresher, clock, onRotated: async (c) => void rotated.push(c.refreshToken) });

    await manager.getAccessToken();
    await manager.refreshAfterRejection('a');

    expect(refresher.calls).toEqual(['refresh-0', 'refresh-1']);
    expect(rotated).toEqual(['refresh-1']);
  });

  it('does not refresh again for a rejected token another request already replaced', async () => {
    const manager = new TokenManager(credential(), { refresher, clock });
    const first = await manager.getAccessToken();
    const second = await manager.refreshAfterRejection(first);

    expect(await manager.refreshAfterRejection(first)).toBe(second);
    expect(refresher.calls).toHaveLength(2);
  });

  it('keeps one machine id across rotations', async () => {
    refresher.next = async () => ({ accessToken: 'a', refreshToken: 'refresh-rotated', expiresInSeconds: 3600 });
    const manager = new TokenManager(credential(), { refresher, clock });
    const before = manager.machineId;

    await manager.getAccessToken();

    expect(manager.machineId).toBe(before);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
  });

  it('uses a stored UUID machine id doubled to 64 hex', () => {
    const manager = new TokenManager(credential({ machineId: '0123abcd-0123-abcd-0123-0123456789ab' }), { refresher, clock });

    expect(manager.machineId).toBe('0123abcd0123abcd01230123456789ab0123abcd0123abcd01230123456789ab');
  });
});
