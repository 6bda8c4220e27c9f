import type { ClientKey } from '../client-keys/client-key';

/**
 * Who is calling, as established by {@link ProxyKeyGuard}. `key` is the client key presented
 * (its models, accounts, rate limit and budgets); absent where no request made the principal
 * (start-up, the model catalog), which stands for PROXY_API_KEY with no limits.
 */
export type Principal =
  /** The proxy key alone: the gateway's own Kiro credentials serve the request. */
  | { kind: 'gateway'; key?: ClientKey }
  /** `KEY:REFRESH_TOKEN`: the caller brings its own Kiro login (multi-tenant mode). */
  | {
      kind: 'tenant';
      refreshToken: string;
      /** sha256 of the refresh token, in full: the key of the tenant's session, rate limit and stored responses. */
      tokenHash: string;
      key?: ClientKey;
    };
