import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CredentialsError, UpstreamError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { MetricsService } from '../metrics/metrics.service';
import type { KiroSession } from '../kiro';
import { loadGatewayCredential } from './credential-loader';
import { CredentialStore } from './credential-store';
import { describeSource, KiroCredential } from './kiro-credential';
import type { Principal } from './principal';
import { ProcessLocalTokenStore, SharedTokenStore } from './shared-token-store';
import { TenantGate } from './tenant-gate';
import { TenantSessions } from './tenant-sessions';
import { TokenManager } from './token-manager';
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

export interface ReadinessCheck {
  ok: boolean;
  /** Why not, as a code: credentials_refused, token_service_failed, token_refresh_failed. */
  cause?: string;
}

/** How long a readiness answer about the credentials is kept. */
export const READINESS_CHECK_MS = 30_000;

function causeOf(err: unknown): string {
  if (err instanceof CredentialsError) return 'credentials_refused';
  if (err instanceof UpstreamError) return 'token_service_failed';
  return 'token_refresh_failed';
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
  private lastCheck: { at: number; result: ReadinessCheck } | undefined;
  private checking: Promise<ReadinessCheck> | undefined;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    @Inject(TokenRefresher) private readonly refresher: TokenRefresher,
    @Inject(Clock) private readonly clock: Clock,
    private readonly store: CredentialStore,
    @Optional() private readonly metrics?: MetricsService,
    @Inject(SharedTokenStore) private readonly shared: SharedTokenStore = new ProcessLocalTokenStore(),
    @Optional() private readonly gate?: TenantGate,
  ) {
    this.tenants = new TenantSessions(MAX_TENANTS, TENANT_IDLE_MS, () => clock.now());
  }

  async onModuleInit(): Promise<void> {
    // With KIRO_ACCOUNTS_FILE the account pool owns the gateway's logins (AccountsService).
    if (this.config.accounts.file) return;
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
      const key = principal.tokenHash;
      return this.tenants.getOrCreate(key, () =>
        this.managerFor(
          {
            // The token the client holds may have rotated since: the latest one is the live one.
            refreshToken: this.rotatedTenantTokens.get(key) ?? principal.refreshToken,
            profileArn: this.config.kiro.profileArn,
            region: this.config.kiro.region,
            flow: 'social',
            source: { kind: 'tenant' },
          },
          { tokenHash: key, onRotated: (rotated) => this.rememberRotation(key, rotated.refreshToken) },
        ),
      );
    }
    if (!this.own) {
      throw new CredentialsError(
        'This gateway has no Kiro credentials of its own. Send "Authorization: Bearer PROXY_API_KEY:YOUR_KIRO_REFRESH_TOKEN".',
      );
    }
    return this.own;
  }

  /**
   * Readiness: whether the gateway's own credentials give a token (tenants-only mode is ready).
   * Anyone may ask, so the answer is kept READINESS_CHECK_MS: asking does not make the gateway
   * refresh each time. A failure is a cause code, never the error's text.
   */
  check(): Promise<ReadinessCheck> {
    const own = this.own;
    if (!own) return Promise.resolve({ ok: true });
    const now = this.clock.now();
    if (this.lastCheck && now - this.lastCheck.at < READINESS_CHECK_MS) return Promise.resolve(this.lastCheck.result);
    this.checking ??= own
      .getAccessToken()
      .then((): ReadinessCheck => ({ ok: true }), (err: unknown): ReadinessCheck => ({ ok: false, cause: causeOf(err) }))
      .then((result) => {
        this.lastCheck = { at: this.clock.now(), result };
        return result;
      })
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  /** False in multi-tenant-only mode (no login of the gateway's own): cheap, for the request path. */
  get hasOwnCredentials(): boolean {
    return this.own !== undefined;
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

  private managerFor(credential: KiroCredential, tenant?: { tokenHash: string; onRotated: (updated: KiroCredential) => void }): TokenManager {
    return new TokenManager(credential, {
      refresher: this.refresher,
      clock: this.clock,
      onRefreshed: (flow, outcome) => {
        this.metrics?.tokenRefreshes.inc({ flow, outcome });
        // A tenant token Kiro took is a real tenant; one it refused is answered 401 at the door.
        if (tenant && outcome === 'success') this.gate?.rememberGood(tenant.tokenHash);
        if (tenant && outcome === 'refused') this.gate?.rememberRefused(tenant.tokenHash);
      },
      shared: this.shared,
      onRotated: async (updated) => {
        if (tenant) tenant.onRotated(updated);
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
