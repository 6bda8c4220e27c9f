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
