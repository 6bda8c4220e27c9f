import { InvalidRequestError } from '../common/errors';
import { isJsonObject, type JsonObject } from '../common/json';
import type { ImageInput, ToolDefinition } from './conversation';
import { imageFromDataUrl } from './image-data';

/**
 * How a family words "this field is wrong": OpenAI's `x must be ….` or Anthropic's
 * `x: must be …`. `quoted`, when given, is the client's own text, shown after a colon.
 */
export type FieldWording = (where: string, problem: string, quoted?: string) => string;

/**
 * The checks the three request converters share, each a 400 that names its field (`param`) in
 * the family's own wording. Fields stay `unknown` until read here.
 */
export class RequestFields {
  constructor(private readonly wording: FieldWording) {}

  invalid(where: string, problem: string, code: string | null = null, quoted?: string): InvalidRequestError {
    return new InvalidRequestError(this.wording(where, problem, quoted), where, code);
  }

  string(value: unknown, where: string, allowEmpty = false): string {
    if (typeof value !== 'string' || (!allowEmpty && !value)) throw this.invalid(where, `must be a${allowEmpty ? '' : ' non-empty'} string`);
    return value;
  }

  /**
   * A tool call's arguments as a client sends them back: a JSON string (or the object itself)
   * that must hold an object, as Kiro's tool input must; none at all is `{}`.
   */
  toolArguments(raw: unknown, where: string): JsonObject {
    if (raw === undefined || raw === null || raw === '') return {};
    if (isJsonObject(raw)) return raw;
    if (typeof raw !== 'string') throw this.invalid(where, 'must be a JSON string');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw this.invalid(where, 'is not valid JSON', null, truncate(raw));
    }
    if (!isJsonObject(parsed)) throw this.invalid(where, 'must encode a JSON object');
    return parsed;
  }

  /** An image given by URL, which must be inline: a base64 data URL of a type Kiro takes. */
  imageUrl(url: unknown, where: string): ImageInput {
    if (typeof url !== 'string' || !url) throw this.invalid(where, 'must be a data URL of the image (data:image/png;base64,<bytes>); file ids are not supported');
    if (/^https?:\/\//i.test(url)) {
      throw this.invalid(where, 'is a remote URL; Kiro only takes inline images. Send it as a data URL: data:image/png;base64,<bytes>', 'image_url_unsupported');
    }
    const image = imageFromDataUrl(url);
    if (!image) throw this.invalid(where, 'must be a base64 data URL of a png, jpeg, gif or webp image (data:image/png;base64,<bytes>)', 'invalid_image');
    return image;
  }
}

/** OpenAI chat and Responses: `messages[0].content must be a string.` */
export const OPENAI_FIELDS = new RequestFields((where, problem, quoted) => `${where} ${problem}${quoted === undefined ? '.' : `: ${quoted}`}`);
/** Anthropic Messages, as its API words it: `messages.0.content: must be a string`. */
export const ANTHROPIC_FIELDS = new RequestFields((where, problem, quoted) => `${where}: ${problem}${quoted === undefined ? '' : `: ${quoted}`}`);

/** A tool definition from a client's name, description and JSON schema (missing parts: empty). */
export function toolDefinition(name: string, description: unknown, parameters: unknown): ToolDefinition {
  return { name, description: typeof description === 'string' ? description : '', parameters: isJsonObject(parameters) ? parameters : {} };
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
