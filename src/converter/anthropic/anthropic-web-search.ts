import { InvalidRequestError } from '../../common/errors';
import type { JsonObject } from '../../common/json';
import type { WebSearchRequest } from '../conversation';
import { domainList, WEB_SEARCH_TOOL_NAME } from '../web-search-tool';

/*
 * Anthropic's web search server tool, read for the gateway to run (converter/web-search-tool.ts),
 * and the snippet its result blocks carry.
 */

/** Anthropic's versioned server tool type (`web_search_20250305`, `web_search_20260209`, …). */
export const isAnthropicWebSearch = (tool: JsonObject): boolean => typeof tool.type === 'string' && /^web_search_\d+$/.test(tool.type);

/** Anthropic `{type: "web_search_…", max_uses?, allowed_domains?, blocked_domains?}` → the gateway's request. */
export function anthropicWebSearch(tool: JsonObject, at: string): WebSearchRequest {
  const request: WebSearchRequest = { toolName: WEB_SEARCH_TOOL_NAME };
  if (tool.max_uses !== undefined && tool.max_uses !== null) {
    if (typeof tool.max_uses !== 'number' || !Number.isInteger(tool.max_uses) || tool.max_uses < 1) {
      throw new InvalidRequestError(`${at}.max_uses: must be a positive integer`, `${at}.max_uses`);
    }
    request.maxUses = tool.max_uses;
  }
  const allowed = domainList(tool.allowed_domains, `${at}.allowed_domains`);
  const blocked = domainList(tool.blocked_domains, `${at}.blocked_domains`);
  if (allowed && blocked) throw new InvalidRequestError(`${at}: set allowed_domains or blocked_domains, not both`, `${at}.allowed_domains`);
  if (allowed) request.allowedDomains = allowed;
  if (blocked) request.blockedDomains = blocked;
  return request;
}

/**
 * The `encrypted_content` of a search hit the gateway returned: the snippet the model read
 * (Anthropic's is opaque encrypted page content; clients hand it back unchanged in history).
 * The prefix tells the gateway's own apart from anyone else's.
 */
const SNIPPET_PREFIX = 'kgw1.';
const MAX_SNIPPET_BACK_CHARS = 1_000;

export function encodeSearchSnippet(snippet: string): string {
  return `${SNIPPET_PREFIX}${Buffer.from(snippet, 'utf8').toString('base64url')}`;
}

/** The snippet in an `encrypted_content` this gateway wrote; undefined for anyone else's. */
export function decodeSearchSnippet(encrypted: unknown): string | undefined {
  if (typeof encrypted !== 'string' || !encrypted.startsWith(SNIPPET_PREFIX)) return undefined;
  // base64url of MAX_SNIPPET_BACK_CHARS characters of up to 4 UTF-8 bytes each, at most.
  const encoded = encrypted.slice(SNIPPET_PREFIX.length, SNIPPET_PREFIX.length + Math.ceil((MAX_SNIPPET_BACK_CHARS * 4 * 4) / 3));
  const text = Buffer.from(encoded, 'base64url').toString('utf8');
  return Array.from(text.slice(0, MAX_SNIPPET_BACK_CHARS * 2)).slice(0, MAX_SNIPPET_BACK_CHARS).join('') || undefined;
}
