import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { channel } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, request } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { logLine } from '../common/request-context';
import { OutboundDispatchers } from '../outbound/outbound-dispatchers';
import { KiroHttpRequest, KiroHttpResponse, KiroTransport } from './kiro-transport';

/** What undici's diagnostics channels tell about one request: the socket it went out on. */
interface SendTrace {
  /** The socket had carried an earlier request: it came from the keep-alive pool. */
  reused: boolean;
  /** The socket's bytesRead when this request's headers went out. */
  bytesReadAtSend: number;
}

/** Errors of a connection that died under a request, as opposed to an answer or a timeout. */
const CONNECTION_LOST = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED']);

/**
 * undici rather than axios: a pooled keep-alive agent, AbortSignal and per-phase timeouts built
 * in, and a body that is an async iterable with backpressure, with far less per-request overhead.
 *
 * Connections to Kiro are kept alive and reused (a new one costs a TCP and a TLS handshake, tens
 * to hundreds of milliseconds on a real network). A pooled connection can turn out dead when the
 * request is written on it — Kiro (or a load balancer) closed it while idle and the FIN crossed
 * the request. Such a failure, on a reused connection, before any byte of the answer, is retried
 * exactly once, at once, on a new connection; any other failure goes to the client's retry policy
 * (kiro-client.service.ts) unchanged. `KIRO_STREAM_CONNECTION_CLOSE=true` brings back one
 * connection per stream (`Connection: close`, kiro-protocol.md §5 #3).
 */
@Injectable()
export class UndiciKiroTransport implements KiroTransport, OnApplicationShutdown {
  private readonly logger = new Logger('KiroTransport');
  // No connection cap: a request queued behind a cap would wait outside every timeout, and each
  // stream holds its socket for its whole length.
  private readonly agent: Agent;
  /** For the one retry after a stale pooled connection: a new connection, closed after use. */
  private readonly freshAgent: Agent;
  /** The trace of the request being created right now (undici creates it synchronously). */
  private creating: SendTrace | undefined;
  private readonly traces = new WeakMap<object, SendTrace>();
  private readonly socketUses = new WeakMap<Socket, number>();
  private readonly onCreate = (message: unknown) => {
    if (this.creating) this.traces.set((message as { request: object }).request, this.creating);
  };
  private readonly onSendHeaders = (message: unknown) => {
    const { request: sent, socket } = message as { request: object; socket: Socket };
    const trace = this.traces.get(sent);
    const uses = this.socketUses.get(socket) ?? 0;
    this.socketUses.set(socket, uses + 1);
    if (!trace) return;
    trace.reused = uses > 0;
    trace.bytesReadAtSend = socket.bytesRead;
  };

  constructor(
    @Inject(gatewayConfig.KEY) config: GatewayConfig,
    @Optional() private readonly dispatchers?: OutboundDispatchers,
  ) {
    // The simulator's self-signed certificate in tests (KIRO_TEST_CA_FILE); the system's roots otherwise.
    const connect = { timeout: 10_000, ...(config.kiro.testCa ? { ca: [...rootCertificates, config.kiro.testCa] } : {}) };
    this.agent = new Agent({ keepAliveTimeout: 30_000, connect });
    this.freshAgent = new Agent({ connect });
    channel('undici:request:create').subscribe(this.onCreate);
    channel('undici:client:sendHeaders').subscribe(this.onSendHeaders);
  }

  async send(req: KiroHttpRequest): Promise<KiroHttpResponse> {
    const trace: SendTrace = { reused: false, bytesReadAtSend: 0 };
    try {
      // Proxies (HTTPS_PROXY, an account's own) live in the shared dispatchers.
      return await this.sendOn(this.dispatchers?.for(req.proxy) ?? this.agent, req, trace);
    } catch (err) {
      if (!isStaleConnection(err, trace) || req.signal.aborted) throw err;
      this.logger.debug(logLine(`A pooled connection to Kiro was closed under the request (${(err as { code?: string }).code}); retrying once on a new one`, req.trace));
      // Through the same proxy as the first try, on a connection of its own.
      return this.sendOn(this.dispatchers?.fresh(req.proxy) ?? this.freshAgent, { ...req, headers: { ...req.headers, connection: 'close' } }, { reused: false, bytesReadAtSend: 0 });
    }
  }

  private async sendOn(agent: Dispatcher, req: KiroHttpRequest, trace: SendTrace): Promise<KiroHttpResponse> {
    this.creating = trace;
    let pending;
    try {
      pending = request(req.url, {
        dispatcher: agent,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        headersTimeout: req.headersTimeoutMs,
        bodyTimeout: req.bodyTimeoutMs,
      });
    } finally {
      this.creating = undefined;
    }
    const res = await pending;
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
    channel('undici:request:create').unsubscribe(this.onCreate);
    channel('undici:client:sendHeaders').unsubscribe(this.onSendHeaders);
    await Promise.all([this.agent.destroy(), this.freshAgent.destroy()]);
  }
}

/** A reused connection that died before this request read a byte of its answer. */
function isStaleConnection(err: unknown, trace: SendTrace): boolean {
  if (!trace.reused || !CONNECTION_LOST.has((err as { code?: string }).code ?? '')) return false;
  const bytesRead = (err as { socket?: { bytesRead?: number } }).socket?.bytesRead;
  return bytesRead === undefined || bytesRead === trace.bytesReadAtSend;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
