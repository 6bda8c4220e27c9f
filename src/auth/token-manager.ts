import { Logger } from '@nestjs/common';
import type { Clock } from '../common/clock';
import { CredentialsError, GatewayError } from '../common/errors';
import { logLine, type RequestTrace } from '../common/request-context';
import type { KiroSession } from '../kiro';
import { randomUUID } from 'node:crypto';
import { KiroCredential } from './kiro-credential';
import type { SharedTokenStore } from './shared-token-store';
import { fingerprint } from './fingerprint';
import { TokenRefresher } from './token-refresher';

/** Refresh this long before expiry (K2A/JW use 10 min; kiro-protocol.md §1.5). */
export const REFRESH_AHEAD_MS = 10 * 60 * 1000;
/** A refused refresh token is not tried again for this long: every request would hit Kiro. */
export const REFUSED_BACKOFF_MS = 30 * 1000;

export interface TokenManagerDeps {
  refresher: TokenRefresher;
  clock: Clock;
  /** Called after a refresh that rotated the refresh token. */
  onRotated?: (credential: KiroCredential) => Promise<void>;
  /** Told of every refresh attempt's outcome (metrics). */
  onRefreshed?: (flow: string, outcome: 'success' | 'refused' | 'failed') => void;
  /** Token state shared with other replicas (Redis); absent means this process alone. */
  shared?: SharedTokenStore;
}

/** How long a replica holds the refresh lock at most, and waits for another's refresh. */
const LOCK_TTL_MS = 90_000;
const LOCK_WAIT_MS = 95_000;
const LOCK_POLL_MS = 50;
/** How often a state the shared store missed is offered to it again. */
const PUBLISH_RETRY_MS = 5_000;

/**
 * One credential's access-token lifecycle: refresh ahead of expiry, one refresh in flight however
 * many requests wait, rotated refresh tokens adopted at once.
 */
export class TokenManager implements KiroSession {
  private readonly logger = new Logger('TokenManager');
  private inflight: Promise<string> | undefined;
  private refused: { error: CredentialsError; until: number } | undefined;
  private sharedKey: Promise<string> | undefined;
  /** The hash of the refresh token this manager started with: the shared key is found from it. */
  private readonly initialTokenHash: string;
  /** Set after a refresh the shared store did not hear of: the refresh token the others still hold. */
  private unsharedFrom: string | undefined;
  private publishing = false;
  private nextPublishAt = 0;
  readonly machineId: string;

  constructor(
    private readonly credential: KiroCredential,
    private readonly deps: TokenManagerDeps,
  ) {
    this.initialTokenHash = fingerprint(credential.refreshToken);
    // Frozen at load: a fingerprint derived from a token that later rotates would change the
    // "device" Kiro sees mid-life (kiro-protocol.md §1.6–1.7).
    this.machineId = normaliseMachineId(credential.machineId) ?? fingerprint(credential.refreshToken, 'KotlinNativeAPI/');
  }

  get profileArn(): string | undefined {
    return this.credential.profileArn;
  }

  /** When the current access token expires (epoch ms), if one is held. */
  get expiresAt(): number | undefined {
    return this.credential.accessToken ? this.credential.expiresAt : undefined;
  }

  get hasValidToken(): boolean {
    const { accessToken, expiresAt } = this.credential;
    return Boolean(accessToken) && expiresAt !== undefined && expiresAt > this.deps.clock.now();
  }

  async getAccessToken(trace?: RequestTrace): Promise<string> {
    const { accessToken, expiresAt } = this.credential;
    const now = this.deps.clock.now();
    if (this.unsharedFrom !== undefined && this.deps.shared) this.publishLater(this.deps.shared, now);
    if (accessToken && expiresAt !== undefined && expiresAt - now > REFRESH_AHEAD_MS) return accessToken;
    try {
      return await this.refresh(undefined, trace);
    } catch (err) {
      // Refresh-ahead failed but the old token still works: keep serving with it.
      if (accessToken && expiresAt !== undefined && expiresAt > now) {
        this.logger.warn(logLine(`Refresh ahead of expiry failed; using the current token until it expires: ${(err as Error).message}`, trace));
        return accessToken;
      }
      throw err;
    }
  }

  async refreshAfterRejection(rejectedToken: string, trace?: RequestTrace): Promise<string> {
    // Another request already replaced the rejected token: use the new one.
    if (this.credential.accessToken && this.credential.accessToken !== rejectedToken) return this.credential.accessToken;
    return this.refresh(rejectedToken, trace);
  }

  /** One refresh in flight: its log lines name the request that set it off. */
  private refresh(rejectedToken: string | undefined, trace: RequestTrace | undefined): Promise<string> {
    if (this.refused && this.deps.clock.now() < this.refused.until) return Promise.reject(this.refused.error);
    this.inflight ??= (this.deps.shared ? this.refreshSharedOrAlone(this.deps.shared, rejectedToken, trace) : this.doRefresh(trace))
      .catch((err: unknown) => {
        const refused = err instanceof CredentialsError;
        if (refused) this.refused = { error: err, until: this.deps.clock.now() + REFUSED_BACKOFF_MS };
        this.deps.onRefreshed?.(this.credential.flow, refused ? 'refused' : 'failed');
        throw err;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /**
   * With replicas. Redis failing before the refresh lets this replica refresh on its own; once a
   * refresh has happened it is never repeated (that would rotate the token a second time).
   */
  private async refreshSharedOrAlone(shared: SharedTokenStore, rejectedToken: string | undefined, trace: RequestTrace | undefined): Promise<string> {
    const state: SharedRefresh = { refreshed: false, trace };
    try {
      return await this.refreshShared(shared, rejectedToken, state);
    } catch (err) {
      if (err instanceof GatewayError || state.refreshed) throw err;
      this.logger.warn(logLine(`Shared token store unavailable, refreshing alone: ${(err as Error).message}`, trace));
      const before = this.credential.refreshToken;
      const token = await this.doRefresh(trace);
      this.unsharedFrom ??= before;
      return token;
    }
  }

  /**
   * After a refresh the shared store missed (Redis was down), the others still hold the refresh
   * token from before it, which Kiro may have revoked by rotating it: publish this state once the
   * store answers again, unless another replica has put a newer one there meanwhile.
   */
  private publishLater(shared: SharedTokenStore, now: number): void {
    if (this.publishing || now < this.nextPublishAt) return;
    this.publishing = true;
    this.nextPublishAt = now + PUBLISH_RETRY_MS;
    this.publish(shared)
      .then(() => {
        this.unsharedFrom = undefined;
      })
      .catch(() => undefined) // still down: tried again on a later request
      .finally(() => {
        this.publishing = false;
      });
  }

  private async publish(shared: SharedTokenStore): Promise<void> {
    const { accessToken, expiresAt, refreshToken, profileArn } = this.credential;
    if (!accessToken) return;
    const key = await (this.sharedKey ??= shared.resolveKey(this.initialTokenHash));
    const current = await shared.read(key);
    if (current && current.refreshToken !== this.unsharedFrom && current.refreshToken !== refreshToken) return; // newer than ours
    await shared.write(key, { accessToken, expiresAt: expiresAt ?? 0, refreshToken, profileArn }, fingerprint(refreshToken));
  }

  /**
   * Adopt a token another replica already refreshed, else refresh under the shared lock (checking
   * again once it is held), else wait for the replica holding it. The lock outlives the slowest
   * refresh (three tries of 15 s); a wait that outlasts it adopts what is there, and refreshes
   * alone only when there is nothing.
   */
  private async refreshShared(shared: SharedTokenStore, rejectedToken: string | undefined, state: SharedRefresh): Promise<string> {
    const key = await (this.sharedKey ??= shared.resolveKey(this.initialTokenHash));
    const owner = randomUUID();
    const deadline = this.deps.clock.now() + LOCK_WAIT_MS;
    while (this.deps.clock.now() < deadline) {
      const adopted = await this.adoptShared(shared, key, rejectedToken);
      if (adopted) return adopted;
      if (await shared.tryLock(key, owner, LOCK_TTL_MS)) {
        try {
          return (await this.adoptShared(shared, key, rejectedToken)) ?? (await this.refreshAndShare(shared, key, state));
        } finally {
          await shared.unlock(key, owner).catch((err: unknown) => this.logger.warn(`Could not release the refresh lock: ${(err as Error).message}`));
        }
      }
      await this.deps.clock.sleep(LOCK_POLL_MS);
    }
    return (await this.adoptShared(shared, key, rejectedToken)) ?? this.refreshAndShare(shared, key, state);
  }

  /**
   * Follows the shared state: the live refresh token (another replica may have rotated it) always;
   * the access token when it is usable and not the one Kiro rejected, which is then returned.
   */
  private async adoptShared(shared: SharedTokenStore, key: string, rejectedToken: string | undefined): Promise<string | undefined> {
    const state = await shared.read(key);
    if (!state) return undefined;
    const rotated = state.refreshToken !== this.credential.refreshToken;
    this.credential.refreshToken = state.refreshToken;
    if (state.profileArn) this.credential.profileArn = state.profileArn;
    if (rotated) await this.deps.onRotated?.(this.credential);
    if (state.accessToken === rejectedToken || state.expiresAt - this.deps.clock.now() <= REFRESH_AHEAD_MS) return undefined;
    this.credential.accessToken = state.accessToken;
    this.credential.expiresAt = state.expiresAt;
    return state.accessToken;
  }

  private async refreshAndShare(shared: SharedTokenStore, key: string, state: SharedRefresh): Promise<string> {
    state.from = this.credential.refreshToken;
    const accessToken = await this.doRefresh(state.trace);
    state.refreshed = true;
    const { expiresAt, refreshToken, profileArn } = this.credential;
    try {
      await shared.write(key, { accessToken, expiresAt: expiresAt ?? 0, refreshToken, profileArn }, fingerprint(refreshToken));
    } catch (err) {
      // The token is good; it is published once Redis answers again.
      this.logger.warn(`Could not share the refreshed token: ${(err as Error).message}`);
      this.unsharedFrom ??= state.from;
    }
    return accessToken;
  }

  private async doRefresh(trace: RequestTrace | undefined): Promise<string> {
    const refreshed = await this.deps.refresher.refresh(this.credential, this.machineId, trace);
    this.deps.onRefreshed?.(this.credential.flow, 'success');
    const rotated = refreshed.refreshToken !== undefined && refreshed.refreshToken !== this.credential.refreshToken;
    this.credential.accessToken = refreshed.accessToken;
    // Stored a minute early, as K2A/JW do, so a token is never used in its last seconds.
    this.credential.expiresAt = this.deps.clock.now() + Math.max(0, refreshed.expiresInSeconds - 60) * 1000;
    if (refreshed.profileArn) this.credential.profileArn = refreshed.profileArn;
    if (rotated) this.credential.refreshToken = refreshed.refreshToken as string;
    this.logger.log(`Kiro access token refreshed (${this.credential.flow}${rotated ? ', refresh token rotated' : ''})`);
    if (rotated || ['file', 'kiro-ide', 'kiro-cli'].includes(this.credential.source.kind)) {
      await this.deps.onRotated?.(this.credential);
    }
    return refreshed.accessToken;
  }
}

/** One refresh under the shared lock: whether it has refreshed yet, the token it refreshed from, and the request it serves. */
interface SharedRefresh {
  refreshed: boolean;
  from?: string;
  trace: RequestTrace | undefined;
}

/** A 64-hex id is used as is; a UUID is doubled to 64 hex (HK/KG, kiro-protocol.md §1.7). */
function normaliseMachineId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  if (/^[0-9a-f]{64}$/i.test(id)) return id.toLowerCase();
  const hex = id.replace(/-/g, '');
  return /^[0-9a-f]{32}$/i.test(hex) ? (hex + hex).toLowerCase() : undefined;
}
