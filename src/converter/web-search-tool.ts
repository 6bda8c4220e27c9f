import { InvalidRequestError } from '../common/errors';
import type { Conversation, ToolDefinition } from './conversation';

/**
 * A client's web search tool as the gateway runs it (kiro-protocol.md §9.7): the model sees a
 * function tool of this name, and the gateway answers its calls through Kiro's MCP endpoint
 * (generation/web-search/). The families read their own tools into it (converter/anthropic/
 * anthropic-web-search.ts, converter/responses/responses-tools.ts).
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

/** Declares the search tool among the conversation's tools; a client tool of the same name is a 400. */
export function declareWebSearch(tools: ToolDefinition[], at: string): void {
  if (tools.some((tool) => tool.name === WEB_SEARCH_TOOL_NAME)) {
    throw new InvalidRequestError(`${at}: a function tool is already named "${WEB_SEARCH_TOOL_NAME}"; rename it to use the web search tool too`, at);
  }
  tools.push(webSearchToolDefinition());
}

/** A client's list of domains for the hits (bounded: each is compared with every hit's host). */
export function domainList(raw: unknown, at: string): string[] | undefined {
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
