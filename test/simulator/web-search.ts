import { createHash } from 'node:crypto';

/**
 * Kiro's MCP endpoint for web search (kiro-protocol.md §9.7), as strict as the service:
 * `POST /mcp` with a JSON-RPC 2.0 `tools/call` of the `web_search` tool, the runtime host's rule
 * that the body names its `profileArn` at the root, results as a JSON *string* inside the MCP
 * text content, "no results" as JSON-RPC error -32602, and throttling as an HTTP 429.
 *
 * What the peers do not record (the answer to a JSON-RPC body that is not a `tools/call`, and a
 * plan without web search) is modelled the way an MCP server and Kiro's other endpoints answer:
 * JSON-RPC errors -32600 / -32601 / -32602 with HTTP 200, and a 403 with Kiro's `{message, reason}`.
 */

/** One search hit, in the fields Kiro's answer carries. */
export interface SimSearchResult {
  title: string;
  url: string;
  snippet: string;
  /** Epoch milliseconds. */
  publishedDate?: number;
}

/** What one MCP call answers, scripted with `KiroSimulator.enqueueSearch` (first in, first out). */
export type SearchScenario =
  | { kind: 'results'; results: SimSearchResult[] }
  /** `-32602 "Tool returned no results"`. */
  | { kind: 'no-results' }
  /** HTTP 429, as Kiro throttles. */
  | { kind: 'throttled' }
  /** Any other HTTP answer (a 5xx, a 403 …). */
  | { kind: 'http-error'; status: number; body: unknown };

export interface McpAnswer {
  status: number;
  body: unknown;
  /** Why the call was refused, for the `x-sim-violation` header and the recorded request. */
  violation?: string;
  /** The query searched, when the call was a valid search. */
  query?: string;
}

/** The ids Kiro's clients send (kiro-protocol.md §9.7): `web_search_tooluse_<22>_<epoch ms>_<8>`. */
const REQUEST_ID = /^web_search_tooluse_[A-Za-z0-9]{22}_\d{13}_[A-Za-z0-9]{8}$/;
const MAX_QUERY_CHARS = 2_000;
const PROFILE_ARN_REQUIRED = { message: 'profileArn is required for this request.', reason: null };
export const MCP_THROTTLED = { message: 'Rate exceeded', reason: null };
export const SEARCH_NOT_IN_PLAN = { message: 'Web search is not available for this subscription.', reason: 'FEATURE_NOT_AVAILABLE' };

/** `POST /mcp` once the bearer token was accepted; `scripted()` takes the next scripted answer (only a valid search does). */
export function answerMcp(body: unknown, options: { webSearch: boolean; scripted?: () => SearchScenario | undefined }): McpAnswer {
  if (!isRecord(body)) return { status: 400, body: { message: 'Improperly formed request.', reason: null }, violation: 'body is not a JSON object' };
  const id = typeof body.id === 'string' || typeof body.id === 'number' ? body.id : null;
  const rpcError = (code: number, message: string, violation: string): McpAnswer => ({ status: 200, body: { jsonrpc: '2.0', id, error: { code, message } }, violation });
  if (body.jsonrpc !== '2.0' || typeof body.method !== 'string' || id === null) return rpcError(-32600, 'Invalid Request', 'not a JSON-RPC 2.0 request with an id and a method');
  if (typeof body.profileArn !== 'string' || body.profileArn.length === 0) {
    return { status: 400, body: PROFILE_ARN_REQUIRED, violation: 'profileArn missing at the root of the body' };
  }
  if (body.method !== 'tools/call') return rpcError(-32601, `Method not found: ${body.method.slice(0, 100)}`, `method ${body.method.slice(0, 100)}`);
  const params = isRecord(body.params) ? body.params : undefined;
  if (params?.name !== 'web_search') return rpcError(-32602, 'Unknown tool', 'params.name must be web_search');
  const query = isRecord(params.arguments) ? params.arguments.query : undefined;
  if (typeof query !== 'string' || query.trim().length === 0 || query.length > MAX_QUERY_CHARS) {
    return rpcError(-32602, 'Invalid params: query must be a non-empty string', 'params.arguments.query');
  }
  if (typeof body.id !== 'string' || !REQUEST_ID.test(body.id)) return rpcError(-32600, 'Invalid Request', 'id is not web_search_tooluse_<22>_<epoch ms>_<8>');
  if (!options.webSearch) return { status: 403, body: SEARCH_NOT_IN_PLAN, violation: 'the plan has no web search' };

  const planned = options.scripted?.() ?? { kind: 'results', results: sampleResults(query) };
  switch (planned.kind) {
    case 'throttled':
      return { status: 429, body: MCP_THROTTLED, query };
    case 'http-error':
      return { status: planned.status, body: planned.body, query };
    case 'no-results':
      return { status: 200, body: { jsonrpc: '2.0', id, error: { code: -32602, message: 'Tool returned no results' } }, query };
    case 'results': {
      const results = planned.results.map((result, index) => ({
        ...result,
        id: `sim-result-${index + 1}`,
        domain: new URL(result.url).hostname,
        maxVerbatimWordLimit: 30,
        publicDomain: false,
      }));
      const text = JSON.stringify({ results, totalResults: results.length, query, error: null });
      return { status: 200, body: { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }], isError: false } }, query };
    }
  }
}

/** The unscripted answer: three results that name the query, so a test can follow it end to end. */
export function sampleResults(query: string): SimSearchResult[] {
  const slug = createHash('sha256').update(query).digest('hex').slice(0, 8);
  const shown = query.slice(0, 80);
  return [1, 2, 3].map((n) => ({
    title: `Result ${n} for ${shown}`,
    url: `https://example.com/${slug}/${n}`,
    snippet: `Snippet ${n} of the simulator's search for "${shown}".`,
    publishedDate: Date.UTC(2026, 10, n),
  }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
