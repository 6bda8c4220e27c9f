/** Where a credential came from: decides what a rotated refresh token is written back to. */
export type CredentialSource =
  | { kind: 'env' }
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'kiro-ide'; path: string }
  | { kind: 'kiro-cli'; path: string; key: string }
  | { kind: 'tenant' }
  /** An entry of KIRO_ACCOUNTS_FILE: a rotated refresh token goes back into that entry. */
  | { kind: 'account'; name: string; path: string };

/** Social (Kiro desktop) refresh, or AWS SSO OIDC CreateToken (kiro-protocol.md §1.2). */
export type RefreshFlow = 'social' | 'aws-sso-oidc';

export interface KiroCredential {
  refreshToken: string;
  accessToken?: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
  profileArn?: string;
  /** The SSO region for OIDC refreshes (may differ from the API region). */
  region?: string;
  clientId?: string;
  clientSecret?: string;
  flow: RefreshFlow;
  source: CredentialSource;
  /** A fingerprint stored with the credential, if any (kiro-protocol.md §1.7). */
  machineId?: string;
  /** The account's own proxy for the refresh (http://, socks5://). */
  proxy?: string;
}

export function describeSource(source: CredentialSource): string {
  switch (source.kind) {
    case 'env':
      return 'REFRESH_TOKEN environment variable';
    case 'file':
      return `credentials file ${source.path}`;
    case 'url':
      return `credentials URL ${new URL(source.url).origin}`;
    case 'kiro-ide':
      return `Kiro IDE login at ${source.path}`;
    case 'kiro-cli':
      return `kiro-cli login at ${source.path}`;
    case 'tenant':
      return 'tenant refresh token';
    case 'account':
      return `account "${source.name}" of ${source.path}`;
  }
}

/**
 * JW and HK pick the flow from metadata: an explicit social `authMethod` wins, otherwise a
 * client id and secret mean AWS SSO OIDC (kiro-protocol.md §1.2).
 */
export function detectFlow(meta: { authMethod?: unknown; clientId?: unknown; clientSecret?: unknown }): RefreshFlow {
  const method = typeof meta.authMethod === 'string' ? meta.authMethod.toLowerCase() : '';
  if (method === 'social') return 'social';
  if (['idc', 'builder-id', 'builderid', 'iam', 'aws-sso', 'sso'].includes(method)) return 'aws-sso-oidc';
  return typeof meta.clientId === 'string' && meta.clientId && typeof meta.clientSecret === 'string' && meta.clientSecret
    ? 'aws-sso-oidc'
    : 'social';
}
