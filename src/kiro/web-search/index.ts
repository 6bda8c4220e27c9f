export { KiroWebSearch, WebSearchThrottledError, WebSearchUnavailableError } from './kiro-web-search.service';
export { MAX_QUERY_CHARS, type WebSearchHit, type WebSearchOutcome } from './mcp-search';
