import type { RequestTrace } from '../common/request-context';

/** One HTTP exchange with Kiro. The only seam between the client logic and the network. */
export interface KiroHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Time allowed until the response headers arrive. */
  headersTimeoutMs: number;
  /** Longest silence allowed between two body chunks. */
  bodyTimeoutMs: number;
  /** The account's own proxy (http://, socks5://); absent: HTTPS_PROXY / NO_PROXY or direct. */
  proxy?: string;
  /** The request served, for the transport's log lines. */
  trace?: RequestTrace;
}

export interface KiroHttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: AsyncIterable<Uint8Array>;
  /** The whole body as text, at most `maxBytes` of it (error bodies are small; never trust that). */
  text(maxBytes?: number): Promise<string>;
}

export interface KiroTransport {
  send(request: KiroHttpRequest): Promise<KiroHttpResponse>;
}

export const KiroTransport = Symbol('KiroTransport');
