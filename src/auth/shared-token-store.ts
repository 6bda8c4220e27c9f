/** A credential's token state as replicas share it. */
export interface SharedTokenState {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The live refresh token (it rotates). */
  refreshToken: string;
  profileArn?: string;
}

/**
 * Token state shared by gateway replicas (Redis when REDIS_URL is set), so N replicas sharing
 * one Kiro login refresh once and all follow a rotated refresh token. Keys are hashes, never
 * tokens.
 */
export interface SharedTokenStore {
  /** The credential's shared key: the one a rotated token was recorded under, or its own. */
  resolveKey(refreshTokenHash: string): Promise<string>;
  read(key: string): Promise<SharedTokenState | undefined>;
  /** Stores the state; `aliasHash` (the new refresh token's hash) then resolves to `key`. */
  write(key: string, state: SharedTokenState, aliasHash?: string): Promise<void>;
  /** True when this caller now holds the refresh lock for `key`. */
  tryLock(key: string, owner: string, ttlMs: number): Promise<boolean>;
  unlock(key: string, owner: string): Promise<void>;
}

export const SharedTokenStore = Symbol('SharedTokenStore');

/**
 * One process shares its token state with nobody: each token manager holds its own, so there
 * is nothing to keep here, and the refresh lock is always free (the manager's own single flight
 * already makes concurrent requests share one refresh).
 */
export class ProcessLocalTokenStore implements SharedTokenStore {
  async resolveKey(refreshTokenHash: string): Promise<string> {
    return refreshTokenHash;
  }

  async read(): Promise<SharedTokenState | undefined> {
    return undefined;
  }

  async write(): Promise<void> {}

  async tryLock(): Promise<boolean> {
    return true;
  }

  async unlock(): Promise<void> {}
}
