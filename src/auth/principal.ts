/** Who is calling, as established by {@link ProxyKeyGuard}. */
export type Principal =
  /** The proxy key alone: the gateway's own Kiro credentials serve the request. */
  | { kind: 'gateway' }
  /** `KEY:REFRESH_TOKEN`: the caller brings its own Kiro login (multi-tenant mode). */
  | { kind: 'tenant'; refreshToken: string; /** A short hash, safe for logs and metrics. */ tenantId: string };
