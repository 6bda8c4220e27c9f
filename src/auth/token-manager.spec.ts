import type { Clock } from '../common/clock';
import { CredentialsError } from '../common/errors';
import type { KiroCredential } from './kiro-credential';
import { REFRESH_AHEAD_MS, REFUSED_BACKOFF_MS, TokenManager } from './token-manager';
import type { SharedTokenState, SharedTokenStore } from './shared-token-store';
import type { RefreshedToken, TokenRefresher } from './token-refresher';

/** Redis stand-in: one map, one lock; `failWrites` simulates Redis failing after a refresh. */
class FakeSharedStore implements SharedTokenStore {
  readonly states = new Map<string, SharedTokenState>();
  private lockOwner: string | undefined;
  failWrites = false;
  /** Every operation fails, as when Redis is down. */
  down = false;
  async resolveKey(hash: string): Promise<string> {
    if (this.down) throw new Error('redis down');
    return hash;
  }
  async read(key: string): Promise<SharedTokenState | undefined> {
    if (this.down) throw new Error('redis down');
    return this.states.get(key);
  }
  async write(key: string, state: SharedTokenState): Promise<void> {
    if (this.failWrites || this.down) throw new Error('redis down');
    this.states.set(key, { ...state });
  }
  async tryLock(_key: string, owner: string): Promise<boolean> {
    if (this.lockOwner) return false;
    this.lockOwner = owner;
    return true;
  }
  async unlock(_key: string, owner: string): Promise<void> {
    if (this.lockOwner === owner) this.lockOwner = undefined;
  }
}

/** Rotates on every refresh and refuses any token it has not issued last. */
class RotatingRefresher implements TokenRefresher {
  readonly presented: string[] = [];
  private live = 'refresh-0';
  private n = 0;
  async refresh(credential: KiroCredential): Promise<RefreshedToken> {
    this.presented.push(credential.refreshToken);
    if (credential.refreshToken !== this.live) throw new CredentialsError('refused');
    this.live = `refresh-${++this.n}`;
    return { accessToken: `access-${this.n}`, refreshToken: this.live, expiresInSeconds: 3600 };
  }
}

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

  describe('with replicas sharing a store', () => {
    it('refreshes once for two replicas and lets the second adopt the token', async () => {
      const shared = new FakeSharedStore();
      const rotating = new RotatingRefresher();
      const a = new TokenManager(credential(), { refresher: rotating, clock, shared });
      const b = new TokenManager(credential(), { refresher: rotating, clock, shared });

      expect(await a.getAccessToken()).toBe('access-1');
      expect(await b.getAccessToken()).toBe('access-1');
      expect(rotating.presented).toEqual(['refresh-0']);
    });

    it('makes an idle replica refresh with the rotated token, not its dead one', async () => {
      const shared = new FakeSharedStore();
      const rotating = new RotatingRefresher();
      const a = new TokenManager(credential(), { refresher: rotating, clock, shared });
      const b = new TokenManager(credential(), { refresher: rotating, clock, shared });
      await a.getAccessToken();
      clock.time += 55 * 60 * 1000; // the shared access token is now inside the refresh-ahead window

      expect(await b.getAccessToken()).toBe('access-2');
      expect(rotating.presented).toEqual(['refresh-0', 'refresh-1']);
    });

    it('publishes a refresh made while the store was down once it is back, so the others follow the rotation', async () => {
      const shared = new FakeSharedStore();
      const rotating = new RotatingRefresher();
      const a = new TokenManager(credential(), { refresher: rotating, clock, shared });
      const b = new TokenManager(credential(), { refresher: rotating, clock, shared });
      await a.getAccessToken();
      await b.getAccessToken();
      shared.down = true;
      clock.time += 55 * 60 * 1000;
      expect(await a.getAccessToken()).toBe('access-2'); // alone: refresh-1 → refresh-2, unknown to the store
      shared.down = false;
      shared.states.clear(); // a Redis restarted empty

      await a.getAccessToken(); // the next request on A offers its state to the store
      await new Promise((resolve) => setImmediate(resolve));

      expect(await b.getAccessToken()).toBe('access-2');
      expect(rotating.presented).toEqual(['refresh-0', 'refresh-1']);
    });

    it('does not publish over a newer state another replica put in the store', async () => {
      const shared = new FakeSharedStore();
      const rotating = new RotatingRefresher();
      const a = new TokenManager(credential(), { refresher: rotating, clock, shared });
      await a.getAccessToken();
      shared.down = true;
      clock.time += 55 * 60 * 1000;
      await a.getAccessToken();
      shared.down = false;
      const [key] = [...shared.states.keys()];
      shared.states.set(key, { accessToken: 'newer', expiresAt: clock.time + 3_600_000, refreshToken: 'refresh-elsewhere' });

      await a.getAccessToken();
      await new Promise((resolve) => setImmediate(resolve));

      expect(shared.states.get(key)?.refreshToken).toBe('refresh-elsewhere');
    });

    it('never refreshes twice when the store fails after a refresh', async () => {
      const shared = new FakeSharedStore();
      shared.failWrites = true;
      const rotating = new RotatingRefresher();
      const a = new TokenManager(credential(), { refresher: rotating, clock, shared });

      expect(await a.getAccessToken()).toBe('access-1');
      expect(rotating.presented).toEqual(['refresh-0']);
    });
  });

  it('uses a stored UUID machine id doubled to 64 hex', () => {
    const manager = new TokenManager(credential({ machineId: '0123abcd-0123-abcd-0123-0123456789ab' }), { refresher, clock });

    expect(manager.machineId).toBe('0123abcd0123abcd01230123456789ab0123abcd0123abcd01230123456789ab');
  });
});
