/** Who is calling, as established by {@link ProxyKeyGuard}. */
export type Principal =
  /** The proxy key alone: the gateway's own Kiro credentials serve the request. */
  | { kind: 'gateway' }
  /** `KEY:REFRESH_TOKEN`: the caller brings its own Kiro login (multi-tenant mode). */
  | {
      kind: 'tenant';
      refreshToken: string;
      /** sha256 of the refresh token, in full: the key of the tenant's session, rate limit and stored responses. */
      tokenHash: string;
    };
