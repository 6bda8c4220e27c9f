import { InvalidRequestError } from '../../common/errors';
import { isJsonObject, type JsonObject } from '../../common/json';
import { forLog } from '../../common/text';
import type { ImageInput } from '../conversation';
import { canonicalBase64, imageFormat } from '../image-data';
import { ANTHROPIC_FIELDS } from '../request-fields';
import { decodeSearchSnippet } from './anthropic-web-search';

/**
 * The Anthropic content blocks Kiro has no field for, turned into text the model can read, or
 * left out with a note (kiro-protocol.md §2.3: Kiro takes text, images and tool traffic only).
 */

/** Content left out of what Kiro gets: where it was, and what it was (client-chosen parts cut and escaped). */
export interface DroppedContent {
  at: string;
  kind: string;
}

/** Where the conversion records what it left out or ignored, for the service's log. */
export interface ConversionNotes {
  /** Content the model will not see (a PDF, a file upload): logged, counted per kind. */
  dropped: DroppedContent[];
  /** Fields and blocks that carry nothing for Kiro (earlier thinking, cache hints): logged at debug. */
  ignored: string[];
}

/** How long a client-chosen name (a block type, a title) may be in a note. */
export const NOTE_NAME_CHARS = 40;

/** How many kinds or entries one log line names; the rest are counted. */
export const NOTES_LISTED = 10;

/** The dropped content as one short log text: each kind once, with its count and first place. */
export function summariseDropped(dropped: readonly DroppedContent[], listed = NOTES_LISTED): string {
  const kinds = new Map<string, { count: number; first: string }>();
  for (const { at, kind } of dropped) {
    const seen = kinds.get(kind);
    if (seen) seen.count++;
    else kinds.set(kind, { count: 1, first: at });
  }
  const parts = [...kinds].slice(0, listed).map(([kind, { count, first }]) => `${kind} ×${count} (first at ${first})`);
  if (kinds.size > listed) parts.push(`${kinds.size - listed} more kinds`);
  return parts.join('; ');
}

/** At most `listed` entries of a list, and how many more there are. */
export function listSome(entries: readonly string[], listed = NOTES_LISTED): string {
  const shown = entries.slice(0, listed).join('; ');
  return entries.length > listed ? `${shown}; and ${entries.length - listed} more` : shown;
}

/** A block of a type Kiro has no field for (`audio`, `container_upload`, types newer than this gateway). */
export function dropBlock(notes: ConversionNotes, at: string, type: unknown, where = ''): void {
  notes.dropped.push({ at, kind: `block type "${forLog(type, NOTE_NAME_CHARS)}"${where}` });
}

/** Text and images read out of a list of blocks. */
export interface BlockContent {
  text: string;
  images: ImageInput[];
}

/** A string field, empty allowed unless `allowEmpty` is false; a 400 in Anthropic's wording. */
export function requireString(value: unknown, where: string, allowEmpty = true): string {
  return ANTHROPIC_FIELDS.string(value, where, allowEmpty);
}

export function imageFrom(block: JsonObject, at: string): ImageInput {
  const source = block.source;
  if (!isJsonObject(source)) throw new InvalidRequestError(`${at}.source: required`, `${at}.source`);
  if (source.type === 'url') {
    throw new InvalidRequestError(`${at}.source: URL images are not supported by Kiro; send {"type": "base64", "media_type": "image/png", "data": "..."}`, `${at}.source`);
  }
  if (source.type !== 'base64') throw new InvalidRequestError(`${at}.source.type: must be "base64"`, `${at}.source.type`);
  const format = typeof source.media_type === 'string' ? imageFormat(source.media_type) : undefined;
  if (!format) throw new InvalidRequestError(`${at}.source.media_type: must be image/png, image/jpeg, image/gif or image/webp`, `${at}.source.media_type`);
  const base64 = typeof source.data === 'string' ? canonicalBase64(source.data) : undefined;
  if (!base64) throw new InvalidRequestError(`${at}.source.data: must be base64 image data`, `${at}.source.data`);
  return { format, base64 };
}

/**
 * A `document` block: plain-text and content-block documents become text (with their title and
 * context); PDFs, URLs and Files API ids cannot reach Kiro, so the model is told one was left out.
 */
export function documentContent(block: JsonObject, at: string, notes: ConversionNotes): BlockContent {
  const source = block.source;
  if (!isJsonObject(source)) throw new InvalidRequestError(`${at}.source: required`, `${at}.source`);
  const title = typeof block.title === 'string' && block.title.trim() ? block.title.trim() : undefined;
  const header = title ? `Document "${title}":` : 'Document:';
  const context = typeof block.context === 'string' && block.context.trim() ? `\n(${block.context.trim()})` : '';
  if (source.type === 'text') {
    return { text: `${header}${context}\n${requireString(source.data, `${at}.source.data`)}`, images: [] };
  }
  if (source.type === 'content') {
    const inner = typeof source.content === 'string' ? { text: source.content, images: [] } : textAndImages(source.content, `${at}.source.content`, notes);
    return { text: `${header}${context}\n${inner.text}`, images: inner.images };
  }
  const kind = source.type === 'base64' ? `${String(source.media_type ?? 'binary')} data` : source.type === 'url' ? 'a URL' : `a ${String(source.type)} source`;
  notes.dropped.push({ at, kind: `document${title ? ` "${forLog(title, NOTE_NAME_CHARS)}"` : ''} given as ${forLog(kind, NOTE_NAME_CHARS)} (Kiro reads text documents only)` });
  return { text: `(${title ? `The document "${title}"` : 'A document'} was attached here as ${kind}, which this gateway cannot pass on to the model.)`, images: [] };
}

/** A `search_result` block (RAG): its title, source and text, as the model would have cited them. */
export function searchResultText(block: JsonObject, at: string, notes: ConversionNotes): string {
  const title = typeof block.title === 'string' ? block.title : '';
  const source = typeof block.source === 'string' ? block.source : '';
  const body = textAndImages(block.content, `${at}.content`, notes).text;
  return `Search result${title ? `: ${title}` : ''}${source ? ` (${source})` : ''}\n${body}`;
}

/** Text and image blocks (a document's or a search result's content); other blocks are noted. */
export function textAndImages(content: unknown, at: string, notes: ConversionNotes): BlockContent {
  if (!Array.isArray(content)) throw new InvalidRequestError(`${at}: must be an array of content blocks`, at);
  const texts: string[] = [];
  const images: ImageInput[] = [];
  content.forEach((part, i) => {
    const partAt = `${at}.${i}`;
    if (!isJsonObject(part)) throw new InvalidRequestError(`${partAt}: must be a content block`, partAt);
    if (part.type === 'text') texts.push(requireString(part.text, `${partAt}.text`));
    else if (part.type === 'image') images.push(imageFrom(part, partAt));
    else dropBlock(notes, partAt, part.type);
  });
  return { text: texts.join('\n\n'), images };
}

/** How many characters of a server tool's raw result reach Kiro (a summary, not the payload). */
const SERVER_RESULT_CHARS = 4_000;

/**
 * A call the API ran itself in an earlier turn (`server_tool_use`, `mcp_tool_use`). Kiro would
 * need its result in the next user turn, but Anthropic puts it in the same assistant turn: it
 * stays in the assistant's text, so the model still knows what it looked up.
 */
export function serverToolUseText(block: JsonObject, at: string): string {
  const name = requireString(block.name, `${at}.name`, false);
  const server = typeof block.server_name === 'string' ? `${block.server_name}.` : '';
  return `[Called ${server}${name} with ${JSON.stringify(block.input ?? {})}]`;
}

/** The result of a server tool (`web_search_tool_result`, `web_fetch_tool_result`, `mcp_tool_result`, …). */
export function serverToolResultText(block: JsonObject): string {
  const type = String(block.type);
  const content = block.content;
  if (Array.isArray(content) && content.every((item) => isJsonObject(item) && typeof item.url === 'string')) {
    const lines = (content as JsonObject[]).map((item) => {
      const snippet = decodeSearchSnippet(item.encrypted_content);
      return `- ${typeof item.title === 'string' ? `${item.title} ` : ''}(${String(item.url)})${snippet ? `: ${snippet}` : ''}`;
    });
    return `[${type}]\n${lines.join('\n')}`;
  }
  if (Array.isArray(content) && content.every((item) => isJsonObject(item) && item.type === 'text' && typeof item.text === 'string')) {
    return `[${type}]\n${(content as JsonObject[]).map((item) => String(item.text)).join('\n')}`;
  }
  const raw = typeof content === 'string' ? content : JSON.stringify(content ?? null);
  return `[${type}]\n${raw.length > SERVER_RESULT_CHARS ? `${raw.slice(0, SERVER_RESULT_CHARS)}…` : raw}`;
}

/** `server_tool_use`, `mcp_tool_use` and every `*_tool_result` type of the current API. */
export const isServerToolUse = (type: string): boolean => type === 'server_tool_use' || type === 'mcp_tool_use';
export const isServerToolResult = (type: string): boolean => type.endsWith('_tool_result') && type !== 'tool_result';
