import { randomBytes } from 'node:crypto';

/**
 * Refresh and access tokens the simulator knows about (protocol §1.3, §1.4, §1.6). One pool of
 * refresh tokens serves both the social and the OIDC flow.
 */

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface TokenStoreOptions {
  refreshTokens: readonly string[];
  rotateRefreshTokens: boolean;
  accessTokenTtlSeconds: number;
  staticAccessTokens: readonly string[];
}

/** Real tokens start aor… / aoa… (§1.1 [U]); the Sim marker makes simulator tokens easy to spot in logs. */
const newToken = (prefix: string): string => `${prefix}Sim${randomBytes(24).toString('base64url')}`;

export class SimTokenStore {
  private readonly refreshTokens: Set<string>;
  private readonly accessTokenExpiry = new Map<string, number>();
  private readonly staticAccessTokens: ReadonlySet<string>;
  private readonly attempts = new Map<string, number>();

  constructor(private readonly opts: TokenStoreOptions) {
    this.refreshTokens = new Set(opts.refreshTokens);
    this.staticAccessTokens = new Set(opts.staticAccessTokens);
  }

  addRefreshToken(token: string): void {
    this.refreshTokens.add(token);
  }

  /** Whether this refresh token is live here. */
  knows(refreshToken: string): boolean {
    return this.refreshTokens.has(refreshToken);
  }

  /** Counts a refresh attempt that was refused before reaching the store (an account's fault). */
  countAttempt(refreshToken: string): void {
    this.attempts.set(refreshToken, this.attemptsFor(refreshToken) + 1);
  }

  /** Every refresh call presenting this token, accepted or not (detects missing single-flight). */
  attemptsFor(refreshToken: string): number {
    return this.attempts.get(refreshToken) ?? 0;
  }

  /**
   * Issues a new access token, or returns undefined for an unknown or rotated-away refresh token.
   * Rotation happens here, before any response delay, so concurrent duplicates really race.
   */
  refresh(refreshToken: string): IssuedTokens | undefined {
    this.attempts.set(refreshToken, this.attemptsFor(refreshToken) + 1);
    if (!this.refreshTokens.has(refreshToken)) return undefined;
    let nextRefreshToken = refreshToken;
    if (this.opts.rotateRefreshTokens) {
      nextRefreshToken = newToken('aor');
      this.refreshTokens.delete(refreshToken);
      this.refreshTokens.add(nextRefreshToken);
    }
    const accessToken = newToken('aoa');
    this.accessTokenExpiry.set(accessToken, Date.now() + this.opts.accessTokenTtlSeconds * 1000);
    return { accessToken, refreshToken: nextRefreshToken, expiresIn: this.opts.accessTokenTtlSeconds };
  }

  isAccessTokenValid(token: string): boolean {
    if (this.staticAccessTokens.has(token)) return true;
    const expiresAt = this.accessTokenExpiry.get(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  /** Makes every issued access token expired at once; static tokens stay valid. */
  expireAccessTokens(): void {
    for (const token of this.accessTokenExpiry.keys()) this.accessTokenExpiry.set(token, 0);
  }
}
