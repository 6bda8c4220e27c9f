import type { RequestTrace } from '../common/request-context';

/**
 * What the Kiro client needs from whoever owns the credentials (AuthModule implements it), so
 * the HTTP layer never reaches into auth internals. `trace`: the request that asks, named in the
 * log lines of a refresh it sets off.
 */
export interface KiroSession {
  /** A usable access token, refreshed ahead of expiry. */
  getAccessToken(trace?: RequestTrace): Promise<string>;
  /** Kiro said the bearer token is invalid: refresh once (single flight) and return the new one. */
  refreshAfterRejection(rejectedToken: string, trace?: RequestTrace): Promise<string>;
  readonly profileArn: string | undefined;
  /** One stable fingerprint per credential, for the User-Agent headers (kiro-protocol.md §1.7). */
  readonly machineId: string;
  /** Where and how this account reaches Kiro, when it differs from the gateway's defaults. */
  readonly upstream?: KiroUpstream;
}

/** An account's own way to Kiro (KIRO_ACCOUNTS_FILE: API region, proxy, API key). */
export interface KiroUpstream {
  /** Base URL of generateAssistantResponse for this account's API region. */
  apiHost?: string;
  /** Base URL of ListAvailableModels / getUsageLimits. */
  qHost?: string;
  /** http:// or socks5:// proxy for every call of this account. */
  proxy?: string;
  /** `API_KEY` for Kiro API keys (`ksk_…`), sent as the `tokentype` header (kiro-protocol.md §1.1). */
  tokenType?: 'API_KEY';
}
