import { type Dispatcher, EnvHttpProxyAgent, ProxyAgent, Socks5ProxyAgent } from 'undici';

export interface OutboundSettings {
  httpsProxy: string | undefined;
  httpProxy: string | undefined;
  noProxy: string | undefined;
}

/** What every upstream connection gets: keep-alive and a connect timeout. */
const AGENT_OPTIONS = { keepAliveTimeout: 30_000, connect: { timeout: 10_000 } } as const;

/**
 * The proxied routes of upstream calls: HTTPS_PROXY / HTTP_PROXY (honouring NO_PROXY) for every
 * call, and one pool per account proxy (HTTP or SOCKS5), built once per proxy URL. The URLs are
 * the operator's (environment, accounts file), never a client's. Undefined means direct: the
 * caller's own connection pool.
 */
export class OutboundDispatchers {
  private readonly fallback: Dispatcher | undefined;
  private readonly perProxy = new Map<string, Dispatcher>();
  /** Pools whose every request is `Connection: close`: a retry after a stale pooled connection. */
  private freshFallback: Dispatcher | undefined;
  private readonly freshPerProxy = new Map<string, Dispatcher>();

  constructor(private readonly settings: OutboundSettings) {
    this.fallback = this.proxyFromEnvironment();
  }

  /** The dispatcher for an account's proxy, or for HTTPS_PROXY; undefined: go direct. */
  for(proxy: string | undefined): Dispatcher | undefined {
    if (!proxy) return this.fallback;
    return mapGet(this.perProxy, proxy, () => viaProxy(proxy));
  }

  /**
   * The same route as {@link for}, on pools that hold no idle connection (their requests are sent
   * with `Connection: close`), so a request is sure to get a new connection: the Kiro transport's
   * one retry after a reused connection died under a request.
   */
  fresh(proxy: string | undefined): Dispatcher | undefined {
    if (!proxy) return this.fallback && (this.freshFallback ??= this.proxyFromEnvironment());
    return mapGet(this.freshPerProxy, proxy, () => viaProxy(proxy));
  }

  private proxyFromEnvironment(): Dispatcher | undefined {
    const { httpsProxy, httpProxy, noProxy } = this.settings;
    return httpsProxy || httpProxy
      ? new EnvHttpProxyAgent({ ...AGENT_OPTIONS, httpsProxy: httpsProxy ?? httpProxy, httpProxy: httpProxy ?? httpsProxy, noProxy: noProxy ?? '' })
      : undefined;
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [this.fallback, this.freshFallback, ...this.perProxy.values(), ...this.freshPerProxy.values()].filter((d): d is Dispatcher => d !== undefined);
    await Promise.all(all.map(async (dispatcher) => dispatcher.destroy().catch(() => undefined)));
  }
}

/** One pool through an HTTP or SOCKS5 proxy. */
function viaProxy(proxy: string): Dispatcher {
  return /^socks5?:/i.test(proxy)
    ? new Socks5ProxyAgent(proxy.replace(/^socks:/i, 'socks5:'), { keepAliveTimeout: AGENT_OPTIONS.keepAliveTimeout })
    : new ProxyAgent({ ...AGENT_OPTIONS, uri: proxy });
}

function mapGet<V>(map: Map<string, V>, key: string, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
