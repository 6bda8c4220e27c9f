import { InvalidRequestError } from '../common/errors';
import { isJsonObject, type JsonObject } from '../common/json';
import type { Conversation, ToolDefinition, WebSearchRequest } from './conversation';

/**
 * A client's web search tool as the gateway runs it (kiro-protocol.md §9.7): the model sees a
 * function tool of this name, and the gateway answers its calls through Kiro's MCP endpoint
 * (generation/web-search/). Anthropic `web_search_*` and Responses `web_search` tools read here.
 */
export const WEB_SEARCH_TOOL_NAME = 'web_search';

/** The most domains one filter list may name (each is compared with every hit's host). */
export const MAX_FILTER_DOMAINS = 100;
const MAX_DOMAIN_CHARS = 253;

/** What Kiro is told about the tool. */
export function webSearchToolDefinition(): ToolDefinition {
  return {
    name: WEB_SEARCH_TOOL_NAME,
    description:
      'Search the web for current information: news, documentation, facts after your training data. ' +
      'Returns the titles, URLs, publication dates and snippets of the top results. Cite the URLs you use.',
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'The search query: a few specific keywords.' } },
      required: ['query'],
    },
  };
}

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
 * Responses `{type: "web_search", filters?: {allowed_domains}}`. `external_web_access: false`
 * (Codex's default, "cached" web search) asks for results from a search index without fetching
 * live pages: that is what Kiro's search is (titles, URLs, snippets), so it runs either way.
 */
export function responsesWebSearch(tool: JsonObject, at: string): WebSearchRequest {
  const request: WebSearchRequest = { toolName: WEB_SEARCH_TOOL_NAME };
  const filters = isJsonObject(tool.filters) ? tool.filters : undefined;
  const allowed = domainList(filters?.allowed_domains, `${at}.filters.allowed_domains`);
  if (allowed) request.allowedDomains = allowed;
  return request;
}

/** Declares the search tool among the conversation's tools; a client tool of the same name is a 400. */
export function declareWebSearch(tools: ToolDefinition[], at: string): void {
  if (tools.some((tool) => tool.name === WEB_SEARCH_TOOL_NAME)) {
    throw new InvalidRequestError(`${at}: a function tool is already named "${WEB_SEARCH_TOOL_NAME}"; rename it to use the web search tool too`, at);
  }
  tools.push(webSearchToolDefinition());
}

function domainList(raw: unknown, at: string): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || raw.length > MAX_FILTER_DOMAINS || raw.some((d) => typeof d !== 'string' || d.length === 0 || d.length > MAX_DOMAIN_CHARS)) {
    throw new InvalidRequestError(`${at}: must be a list of at most ${MAX_FILTER_DOMAINS} domain names`, at);
  }
  return raw.length > 0 ? (raw as string[]) : undefined;
}

/** The conversation without the gateway's search tool (WEB_SEARCH off): the tool is left out, as Kiro cannot run it. */
export function withoutWebSearch(conversation: Conversation): Conversation {
  const { webSearch, ...rest } = conversation;
  if (!webSearch) return conversation;
  const toolChoice = conversation.toolChoice.type === 'tool' && conversation.toolChoice.name === webSearch.toolName ? { type: 'auto' as const } : conversation.toolChoice;
  return { ...rest, tools: conversation.tools.filter((tool) => tool.name !== webSearch.toolName), toolChoice };
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
