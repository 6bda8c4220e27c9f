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
}
