import { InvalidRequestError } from '../../common/errors';
import { isJsonObject, type JsonObject } from '../../common/json';
import { truncate } from '../../common/text';
import type { ToolDefinition } from '../conversation';
import type { WebSearchRequest } from '../conversation';
import { OPENAI_FIELDS as fields, toolDefinition } from '../request-fields';
import { declareWebSearch, domainList, WEB_SEARCH_TOOL_NAME } from '../web-search-tool';

/**
 * The Responses API's tool kinds, as Codex declares them, made into the gateway's function tools
 * and told apart again when the model calls one:
 * - `function`: as it is;
 * - `namespace` (Codex groups tools: `{"type":"namespace","name":"multi_agent_v1","tools":[…]}`):
 *   each nested tool becomes `<namespace>__<name>`, and a call comes back as a `function_call`
 *   with `name` and `namespace` apart, which is how Codex routes it. The namespace's description
 *   is told once, in the system text (capped), never copied into each of its tools: a large
 *   description times many tools would multiply the request;
 * - `custom` (freeform input, e.g. `apply_patch` with a grammar): a function of one string
 *   argument, `input`, whose calls come back as `custom_tool_call` items;
 * - `web_search` (any version): run by the gateway through Kiro's MCP endpoint (web-search-tool.ts);
 *   `web_search_preview` likewise.
 * Other hosted tools (file_search, computer_use, …) cannot be run here and are refused.
 */

/** What a conversation tool name stands for on the Responses side. */
export interface ResponsesTool {
  kind: 'function' | 'custom';
  /** The name inside its namespace (or the tool's own name). */
  name: string;
  namespace?: string;
}

/** Conversation tool name → its Responses identity, for the calls in the answer. */
export class ResponsesToolMap {
  private readonly byName = new Map<string, ResponsesTool>();

  add(conversationName: string, tool: ResponsesTool): void {
    this.byName.set(conversationName, tool);
  }

  /** How a call of this conversation tool is rendered; plain functions for names it does not know. */
  lookup(conversationName: string): ResponsesTool {
    return this.byName.get(conversationName) ?? { kind: 'function', name: conversationName };
  }
}

/** The conversation's name for a tool in a namespace (Kiro takes `[A-Za-z0-9_-]{1,64}`; longer names are shortened later). */
export function flatToolName(name: string, namespace: string | undefined): string {
  return namespace ? `${namespace}__${name}` : name;
}

/** The one argument a freeform tool's input travels in. */
export const CUSTOM_INPUT = 'input';

/** The schema of a custom tool: one required string, its raw input (a new object per request). */
const customParameters = (): JsonObject => ({
  type: 'object',
  properties: { [CUSTOM_INPUT]: { type: 'string', description: 'The complete raw input for this tool, exactly as the tool takes it (not JSON-encoded).' } },
  required: [CUSTOM_INPUT],
});

/** The hosted web search tool, in each of its versions (Codex sends it by default). */
const WEB_SEARCH_TYPES = /^(web_search|web_search_preview)(_\d+)?$/;

/** The longest namespace description told to the model (Kiro's own limit for one tool's, §2.5 #4). */
export const NAMESPACE_DESCRIPTION_MAX_CHARS = 10_000;

export interface ResponsesToolConversion {
  tools: ToolDefinition[];
  map: ResponsesToolMap;
  /** Hosted tools left out of the request. */
  dropped: string[];
  /** The hosted web search, which the gateway runs. */
  webSearch?: WebSearchRequest;
  /** What the namespaces are for, once each: system text. */
  namespaceNotes: string[];
}

export function responsesTools(raw: unknown[] | null | undefined): ResponsesToolConversion {
  const out: ResponsesToolConversion = { tools: [], map: new ResponsesToolMap(), dropped: [], namespaceNotes: [] };
  const names = new Set<string>();
  let searchAt: string | undefined;
  (raw ?? []).forEach((tool, i) => {
    const at = `tools[${i}]`;
    if (isJsonObject(tool) && typeof tool.type === 'string' && WEB_SEARCH_TYPES.test(tool.type)) {
      if (out.webSearch) throw new InvalidRequestError(`${at}: only one web_search tool may be declared.`, `${at}.type`);
      out.webSearch = responsesWebSearch(tool, at);
      searchAt = at;
      return;
    }
    addTool(tool, at, undefined, out, names);
  });
  if (searchAt) declareWebSearch(out.tools, searchAt);
  return out;
}

function addTool(tool: unknown, at: string, namespace: string | undefined, out: ResponsesToolConversion, names: Set<string>): void {
  if (!isJsonObject(tool)) throw new InvalidRequestError(`${at} must be an object.`, at);
  if (tool.type === 'namespace' && !namespace) return addNamespace(tool, at, out, names);
  if (tool.type !== 'function' && tool.type !== 'custom') {
    throw new InvalidRequestError(`${at} has type ${JSON.stringify(tool.type)}, which Kiro cannot run; function, custom and namespace tools are supported.`, `${at}.type`);
  }
  const name = fields.string(tool.name, `${at}.name`);
  const conversationName = flatToolName(name, namespace);
  if (names.has(conversationName)) throw new InvalidRequestError(`The tool name "${conversationName}" is declared twice.`, `${at}.name`);
  names.add(conversationName);
  const description = typeof tool.description === 'string' ? tool.description : '';
  if (tool.type === 'custom') {
    out.tools.push({ name: conversationName, description: customDescription(description, tool.format), parameters: customParameters() });
  } else {
    out.tools.push(toolDefinition(conversationName, description, tool.parameters));
  }
  out.map.add(conversationName, { kind: tool.type, name, ...(namespace ? { namespace } : {}) });
}

function addNamespace(tool: JsonObject, at: string, out: ResponsesToolConversion, names: Set<string>): void {
  const name = fields.string(tool.name, `${at}.name`);
  if (!Array.isArray(tool.tools)) throw new InvalidRequestError(`${at}.tools must be an array of tools.`, `${at}.tools`);
  const description = typeof tool.description === 'string' ? tool.description.trim() : '';
  if (description) out.namespaceNotes.push(namespaceNote(name, description));
  tool.tools.forEach((inner, i) => addTool(inner, `${at}.tools[${i}]`, name, out, names));
}

/** What a namespace is for, told to the model once, in words it can relate to the tool names. */
function namespaceNote(name: string, description: string): string {
  return `## Tool namespace ${name}\n\nThe tools named ${flatToolName('*', name)}: ${truncate(description, NAMESPACE_DESCRIPTION_MAX_CHARS)}`;
}

/** A freeform tool's contract and grammar, told to the model in words: Kiro takes JSON schemas only. */
function customDescription(description: string, format: unknown): string {
  const parts = [description, `Put the tool's whole raw input, as one string, in the "${CUSTOM_INPUT}" argument.`];
  if (isJsonObject(format) && typeof format.definition === 'string' && format.definition.trim()) {
    parts.push(`The input must follow this ${typeof format.syntax === 'string' ? format.syntax : 'grammar'} grammar:\n${format.definition}`);
  }
  return parts.filter(Boolean).join('\n\n');
}

/**
 * Responses `{type: "web_search", filters?: {allowed_domains}}`. `external_web_access: false`
 * (Codex's default, "cached" web search) asks for results from a search index without fetching
 * live pages: that is what Kiro's search is (titles, URLs, snippets), so it runs either way.
 */
function responsesWebSearch(tool: JsonObject, at: string): WebSearchRequest {
  const request: WebSearchRequest = { toolName: WEB_SEARCH_TOOL_NAME };
  const filters = isJsonObject(tool.filters) ? tool.filters : undefined;
  const allowed = domainList(filters?.allowed_domains, `${at}.filters.allowed_domains`);
  if (allowed) request.allowedDomains = allowed;
  return request;
}
