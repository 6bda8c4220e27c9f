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

  constructor(settings: OutboundSettings) {
    this.fallback =
      settings.httpsProxy || settings.httpProxy
        ? new EnvHttpProxyAgent({ ...AGENT_OPTIONS, httpsProxy: settings.httpsProxy ?? settings.httpProxy, httpProxy: settings.httpProxy ?? settings.httpsProxy, noProxy: settings.noProxy ?? '' })
        : undefined;
  }

  /** The dispatcher for an account's proxy, or for HTTPS_PROXY; undefined: go direct. */
  for(proxy: string | undefined): Dispatcher | undefined {
    if (!proxy) return this.fallback;
    let dispatcher = this.perProxy.get(proxy);
    if (!dispatcher) {
      dispatcher = /^socks5?:/i.test(proxy)
        ? new Socks5ProxyAgent(proxy.replace(/^socks:/i, 'socks5:'), { keepAliveTimeout: AGENT_OPTIONS.keepAliveTimeout })
        : new ProxyAgent({ ...AGENT_OPTIONS, uri: proxy });
      this.perProxy.set(proxy, dispatcher);
    }
    return dispatcher;
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [...(this.fallback ? [this.fallback] : []), ...this.perProxy.values()];
    await Promise.all(all.map(async (dispatcher) => dispatcher.destroy().catch(() => undefined)));
  }
}
