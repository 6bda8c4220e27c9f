import { randomBytes } from 'node:crypto';
import { UpstreamError } from '../../common/errors';

/**
 * Kiro's web search as JSON-RPC over its MCP endpoint (kiro-protocol.md §9.7), pure: the body of
 * one `tools/call` of `web_search`, and the reading of the answer. Nothing here is a client's shape.
 */

/** One search hit, as the gateway passes it on. */
export interface WebSearchHit {
  title: string;
  url: string;
  snippet: string;
  /** When the page was published, epoch milliseconds, if Kiro said. */
  publishedAt?: number;
}

/** What one search found; an empty list when Kiro found nothing (not an error). */
export interface WebSearchOutcome {
  query: string;
  hits: WebSearchHit[];
}

/** A query longer than this is cut (Kiro's search takes short queries; the model writes them). */
export const MAX_QUERY_CHARS = 500;
/** Hits kept of one search, and how long each field may be: the hits go back into the prompt. */
const MAX_HITS = 10;
const MAX_TITLE_CHARS = 300;
const MAX_URL_CHARS = 2_000;
const MAX_SNIPPET_CHARS = 1_000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The query as it is sent: whitespace folded, at most MAX_QUERY_CHARS (cut on a code point). */
export function searchQuery(query: string): string {
  // Only the start is read: a query is a few words, and a client may send megabytes.
  const folded = query.slice(0, MAX_QUERY_CHARS * 4).replace(/\s+/g, ' ').trim();
  return folded.length <= MAX_QUERY_CHARS ? folded : Array.from(folded.slice(0, MAX_QUERY_CHARS * 2)).slice(0, MAX_QUERY_CHARS).join('').trim();
}

/** `{"id":"web_search_tooluse_<22>_<epoch ms>_<8>","jsonrpc":"2.0","method":"tools/call",…}` with the root `profileArn` the runtime host needs. */
export function mcpSearchBody(query: string, profileArn: string, now = Date.now()): string {
  return JSON.stringify({
    id: `web_search_tooluse_${alnum(22)}_${now}_${alnum(8)}`,
    jsonrpc: '2.0',
    method: 'tools/call',
    params: { name: 'web_search', arguments: { query } },
    profileArn,
  });
}

/**
 * The hits of a 200 answer. `-32602 "Tool returned no results"` is an empty list; any other
 * JSON-RPC error, `isError`, or a body that does not read is an upstream failure.
 */
export function parseMcpSearchAnswer(text: string): WebSearchHit[] {
  const body = parseJson(text);
  if (!isRecord(body)) throw new UpstreamError('Kiro answered the web search with a body that is not JSON-RPC', { retryable: false });
  if (isRecord(body.error)) {
    const message = typeof body.error.message === 'string' ? body.error.message.slice(0, 300) : '';
    if (body.error.code === -32602 && /no results/i.test(message)) return [];
    throw new UpstreamError(`Kiro's web search failed: JSON-RPC error ${String(body.error.code)} ${message}`.trim(), { retryable: false, code: 'web_search_failed' });
  }
  const result = isRecord(body.result) ? body.result : undefined;
  const content = Array.isArray(result?.content) ? result.content : [];
  const textPart = content.find((part): part is { type: 'text'; text: string } => isRecord(part) && part.type === 'text' && typeof part.text === 'string');
  if (result?.isError === true) throw new UpstreamError(`Kiro's web search failed: ${textPart?.text.slice(0, 300) ?? 'isError'}`, { retryable: false, code: 'web_search_failed' });
  if (!textPart) throw new UpstreamError('Kiro answered the web search without a text result', { retryable: false });
  // The text is itself JSON (a string inside the MCP content, §9.7).
  const payload = parseJson(textPart.text);
  const results = isRecord(payload) && Array.isArray(payload.results) ? payload.results : [];
  const hits: WebSearchHit[] = [];
  for (const item of results) {
    if (hits.length >= MAX_HITS) break;
    const hit = hitOf(item);
    if (hit) hits.push(hit);
  }
  return hits;
}

function hitOf(item: unknown): WebSearchHit | undefined {
  if (!isRecord(item) || typeof item.url !== 'string' || !/^https?:\/\//i.test(item.url) || item.url.length > MAX_URL_CHARS) return undefined;
  const title = typeof item.title === 'string' && item.title.trim() ? item.title.trim() : item.url;
  const hit: WebSearchHit = {
    title: title.slice(0, MAX_TITLE_CHARS),
    url: item.url,
    snippet: typeof item.snippet === 'string' ? item.snippet.slice(0, MAX_SNIPPET_CHARS) : '',
  };
  if (typeof item.publishedDate === 'number' && Number.isFinite(item.publishedDate) && item.publishedDate > 0) hit.publishedAt = item.publishedDate;
  return hit;
}

function alnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
