import { Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Agent, request } from 'undici';
import { OutboundDispatchers } from '../outbound/outbound-dispatchers';
import type { IncomingHttpHeaders } from 'undici/types/header';
import { KiroHttpRequest, KiroHttpResponse, KiroTransport } from './kiro-transport';

/**
 * undici rather than axios: a pooled keep-alive agent, AbortSignal and per-phase timeouts built
 * in, and a body that is an async iterable with backpressure, with far less per-request overhead.
 */
@Injectable()
export class UndiciKiroTransport implements KiroTransport, OnApplicationShutdown {
  // No connection cap: a request queued behind a cap would wait outside every timeout, and each
  // stream holds its socket for its whole length (Connection: close).
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });

  constructor(@Optional() private readonly dispatchers?: OutboundDispatchers) {}

  async send(req: KiroHttpRequest): Promise<KiroHttpResponse> {
    const res = await request(req.url, {
      // Proxies (HTTPS_PROXY, an account's own) live in the shared dispatchers.
      dispatcher: this.dispatchers?.for(req.proxy) ?? this.agent,
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      headersTimeout: req.headersTimeoutMs,
      bodyTimeout: req.bodyTimeoutMs,
    });
    const body = res.body;
    return {
      status: res.statusCode,
      headers: flattenHeaders(res.headers),
      body,
      async text(maxBytes = 64 * 1024) {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of body) {
          const buf = Buffer.from(chunk as Uint8Array);
          chunks.push(buf.subarray(0, Math.max(0, maxBytes - size)));
          size += buf.length;
          if (size >= maxBytes) {
            body.destroy();
            break;
          }
        }
        return Buffer.concat(chunks).toString('utf8');
      },
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
