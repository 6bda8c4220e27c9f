import { CredentialsError } from '../common/errors';
import { fingerprint } from '../auth/fingerprint';
import type { KiroSession, KiroUpstream } from '../kiro';

/** What the pool needs of an account's session beyond what the Kiro client uses. */
export interface AccountSession extends KiroSession {
  /** `api-key` sessions are never refreshed. */
  readonly kind: 'refresh-token' | 'api-key';
  /** The access token's expiry, when one is held. */
  readonly expiresAt: number | undefined;
  /** A refresh now, whatever the token's age (admin "force refresh"). */
  forceRefresh(): Promise<void>;
}

/** A refreshable login (a TokenManager) with the account's upstream and profile ARN. */
export class RefreshingAccountSession implements AccountSession {
  readonly kind = 'refresh-token';

  constructor(
    private readonly manager: KiroSession & { readonly expiresAt: number | undefined },
    readonly upstream: KiroUpstream | undefined,
    private readonly profileArnOverride: string | undefined,
  ) {}

  get profileArn(): string | undefined {
    return this.profileArnOverride ?? this.manager.profileArn;
  }

  get machineId(): string {
    return this.manager.machineId;
  }

  get expiresAt(): number | undefined {
    return this.manager.expiresAt;
  }

  getAccessToken(): Promise<string> {
    return this.manager.getAccessToken();
  }

  refreshAfterRejection(rejectedToken: string): Promise<string> {
    return this.manager.refreshAfterRejection(rejectedToken);
  }

  async forceRefresh(): Promise<void> {
    await this.manager.refreshAfterRejection(await this.manager.getAccessToken());
  }
}

/**
 * A Kiro API key (`ksk_…`): the bearer itself, with `tokentype: API_KEY`, never refreshed
 * (HK `token_manager.rs`). A rejected key is final.
 */
export class ApiKeySession implements AccountSession {
  readonly kind = 'api-key';
  readonly expiresAt = undefined;
  readonly machineId: string;
  readonly upstream: KiroUpstream;

  constructor(
    private readonly apiKey: string,
    upstream: KiroUpstream | undefined,
    readonly profileArn: string | undefined,
    machineId?: string,
  ) {
    // HK/KG: sha256("KiroAPIKey/" + key) when none is configured (kiro-protocol.md §1.7).
    this.machineId = machineId && /^[0-9a-f]{64}$/i.test(machineId) ? machineId.toLowerCase() : fingerprint(apiKey, 'KiroAPIKey/');
    this.upstream = { ...upstream, tokenType: 'API_KEY' };
  }

  getAccessToken(): Promise<string> {
    return Promise.resolve(this.apiKey);
  }

  refreshAfterRejection(): Promise<string> {
    return Promise.reject(new CredentialsError('Kiro rejected the API key; API keys are never refreshed: replace it'));
  }

  forceRefresh(): Promise<void> {
    return Promise.reject(new CredentialsError('API keys are never refreshed'));
  }
}
