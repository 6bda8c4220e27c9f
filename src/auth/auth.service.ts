import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CredentialsError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { MetricsService } from '../metrics/metrics.service';
import type { KiroSession } from '../kiro';
import { loadGatewayCredential } from './credential-loader';
import { CredentialStore } from './credential-store';
import { describeSource, KiroCredential } from './kiro-credential';
import type { Principal } from './principal';
import { SharedTokenStore } from './shared-token-store';
import { TenantSessions } from './tenant-sessions';
import { TokenManager } from './token-manager';
import { fingerprint } from './fingerprint';
import { TokenRefresher } from './token-refresher';

export interface AuthStatus {
  mode: 'own-credentials' | 'multi-tenant-only';
  source?: string;
  flow?: string;
  tokenValid: boolean;
  tokenExpiresAt?: string;
  /** Tenants with a usable session (a valid access token), at most the tenant cache's size. */
  tenantsCached: number;
}

const MAX_TENANTS = 1000;
const TENANT_IDLE_MS = 60 * 60 * 1000;
const MAX_REMEMBERED_ROTATIONS = 10_000;

@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  private own: TokenManager | undefined;
  private ownSource: string | undefined;
  private ownFlow: string | undefined;
  private readonly tenants: TenantSessions;
  /** hash(token a tenant presents) → the refresh token it rotated into. */
  private readonly rotatedTenantTokens = new Map<string, string>();

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(TokenRefresher) private readonly refresher: TokenRefresher,
    @Inject(Clock) private readonly clock: Clock,
    private readonly store: CredentialStore,
    @Optional() private readonly metrics?: MetricsService,
    @Optional() @Inject(SharedTokenStore) private readonly shared?: SharedTokenStore | null,
  ) {
    this.tenants = new TenantSessions(MAX_TENANTS, TENANT_IDLE_MS, () => clock.now());
  }

  async onModuleInit(): Promise<void> {
    const credential = await loadGatewayCredential(this.config);
    if (!credential) {
      const home = this.config.credentials.homeDir ?? '~';
      this.logger.warn(
        `No Kiro credentials found (KIRO_CREDS_FILE, REFRESH_TOKEN, a Kiro IDE login in ${home}/.aws/sso/cache, or a kiro-cli login under ${home}). ` +
          'Running in multi-tenant-only mode: clients must send "Authorization: Bearer PROXY_API_KEY:REFRESH_TOKEN". ' +
          'To use a login of its own, set one of those (README: "A Kiro login on a server without an IDE").',
      );
      return;
    }
    this.own = this.managerFor(credential);
    // The demo's REFRESH_TOKEN is the simulator's: say whose login it is, not which variable.
    this.ownSource = this.config.server.demo ? "the simulator's demo login (npm run demo)" : describeSource(credential.source);
    this.ownFlow = credential.flow;
    this.logger.log(`Kiro credentials loaded from ${this.ownSource} (${credential.flow} refresh)`);
  }

  /** The Kiro session that serves this caller. */
  sessionFor(principal: Principal): KiroSession {
    if (principal.kind === 'tenant') {
      const key = fingerprint(principal.refreshToken);
      return this.tenants.getOrCreate(key, () =>
        this.managerFor({
          // The token the client holds may have rotated since: the latest one is the live one.
          refreshToken: this.rotatedTenantTokens.get(key) ?? principal.refreshToken,
          profileArn: this.config.kiro.profileArn,
          region: this.config.kiro.region,
          flow: 'social',
          source: { kind: 'tenant' },
        }, (rotated) => this.rememberRotation(key, rotated.refreshToken)),
      );
    }
    if (!this.own) {
      throw new CredentialsError(
        'This gateway has no Kiro credentials of its own. Send "Authorization: Bearer PROXY_API_KEY:YOUR_KIRO_REFRESH_TOKEN".',
      );
    }
    return this.own;
  }

  /** Readiness: whether the gateway's own credentials give a token now (tenants-only mode is ready). */
  async check(): Promise<{ ok: boolean; detail?: string }> {
    if (!this.own) return { ok: true, detail: 'multi-tenant-only' };
    try {
      await this.own.getAccessToken();
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  status(): AuthStatus {
    const own = this.own;
    return {
      mode: own ? 'own-credentials' : 'multi-tenant-only',
      source: this.ownSource,
      flow: this.ownFlow,
      tokenValid: own?.hasValidToken ?? false,
      tokenExpiresAt: own?.expiresAt !== undefined ? new Date(own.expiresAt).toISOString() : undefined,
      tenantsCached: this.tenants.usable,
    };
  }

  private managerFor(credential: KiroCredential, onTenantRotation?: (updated: KiroCredential) => void): TokenManager {
    return new TokenManager(credential, {
      refresher: this.refresher,
      clock: this.clock,
      onRefreshed: (flow, outcome) => this.metrics?.tokenRefreshes.inc({ flow, outcome }),
      shared: this.shared ?? undefined,
      onRotated: async (updated) => {
        if (onTenantRotation) onTenantRotation(updated);
        else await this.store.persist(updated);
      },
    });
  }

  /**
   * A tenant keeps sending the refresh token it has; once Kiro rotated it, only the gateway knows
   * the live one. Remembered (bounded) past the session cache, so an evicted tenant comes back.
   */
  private rememberRotation(key: string, latest: string): void {
    this.rotatedTenantTokens.delete(key);
    this.rotatedTenantTokens.set(key, latest);
    if (this.rotatedTenantTokens.size > MAX_REMEMBERED_ROTATIONS) {
      this.rotatedTenantTokens.delete(this.rotatedTenantTokens.keys().next().value as string);
    }
  }
}
