import type { WebSearchHit } from '../../kiro';

/**
 * What the model reads of one search: the hits as numbered text in the tool result that
 * continues the turn (Kiro takes tool results as text). Each hit is already bounded
 * (kiro/web-search/mcp-search.ts), so this is at most a few tens of kilobytes.
 */
export function searchResultsText(query: string, hits: readonly WebSearchHit[]): string {
  if (hits.length === 0) return `The web search for "${query}" found no results.`;
  const lines = hits.map((hit, i) => {
    const published = hit.publishedAt !== undefined ? `\n   Published: ${new Date(hit.publishedAt).toISOString().slice(0, 10)}` : '';
    return `${i + 1}. ${hit.title}\n   URL: ${hit.url}${published}${hit.snippet ? `\n   ${hit.snippet}` : ''}`;
  });
  return `Web search results for "${query}":\n\n${lines.join('\n\n')}\n\nCite the URLs you use.`;
}

export const MAX_USES_TEXT = 'The web search limit of this request is reached: answer with the results you have.';

/** Whether a hit's host is allowed by the client's domain lists (a domain covers its subdomains). */
export function domainAllowed(url: string, allowed: readonly string[] | undefined, blocked: readonly string[] | undefined): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  const covers = (domain: string) => {
    const d = domain.toLowerCase().replace(/^\*\./, '').replace(/^https?:\/\//, '').split('/')[0];
    return host === d || host.endsWith(`.${d}`);
  };
  if (blocked?.some(covers)) return false;
  return !allowed?.length || allowed.some(covers);
}
