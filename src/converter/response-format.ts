import { InvalidRequestError } from '../common/errors';
import { isJsonObject } from '../common/json';
import type { ResponseFormat } from './conversation';

/**
 * Structured output, as each API family asks for it. Kiro has no JSON mode: the builder turns the
 * format into an instruction on the current turn (`responseFormatInstruction`), which Claude
 * follows. Clients that parse the answer (LangChain's `withStructuredOutput`, the SDKs' `parse()`)
 * then get the JSON they asked for instead of prose.
 */

/** OpenAI chat completions: `response_format: {type: "text" | "json_object" | "json_schema", json_schema: {name, schema}}`. */
export function chatResponseFormat(raw: unknown): ResponseFormat | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isJsonObject(raw)) throw new InvalidRequestError('response_format must be an object such as {"type": "json_object"}.', 'response_format');
  if (raw.type !== 'json_schema') return simpleFormat(raw.type, 'response_format.type');
  const spec = raw.json_schema;
  if (!isJsonObject(spec)) throw new InvalidRequestError('response_format.json_schema must be an object with a name and a schema.', 'response_format.json_schema');
  return schemaFormat(spec.name, spec.schema, spec.description, 'response_format.json_schema');
}

/** Responses: `text: {format: {type: "text" | "json_object" | "json_schema", name, schema}}`. */
export function responsesTextFormat(text: unknown): ResponseFormat | undefined {
  if (text === undefined || text === null) return undefined;
  if (!isJsonObject(text)) throw new InvalidRequestError('text must be an object such as {"format": {"type": "text"}}.', 'text');
  const format = text.format;
  if (format === undefined || format === null) return undefined;
  if (!isJsonObject(format)) throw new InvalidRequestError('text.format must be an object such as {"type": "json_object"}.', 'text.format');
  if (format.type !== 'json_schema') return simpleFormat(format.type, 'text.format.type');
  return schemaFormat(format.name, format.schema, format.description, 'text.format');
}

/**
 * Anthropic: `output_config: {format: {type: "json_schema", schema}}`, and the beta's top-level
 * `output_format` of the same shape.
 */
export function anthropicOutputFormat(request: { output_config?: unknown; output_format?: unknown }): ResponseFormat | undefined {
  const fromConfig = isJsonObject(request.output_config) ? request.output_config.format : undefined;
  const [raw, param] = fromConfig !== undefined && fromConfig !== null ? [fromConfig, 'output_config.format'] : [request.output_format, 'output_format'];
  if (raw === undefined || raw === null) return undefined;
  if (!isJsonObject(raw) || raw.type !== 'json_schema') {
    throw new InvalidRequestError(`${param}: must be {"type": "json_schema", "schema": {...}}`, `${param}.type`);
  }
  return schemaFormat(undefined, raw.schema, undefined, param);
}

function simpleFormat(type: unknown, param: string): ResponseFormat | undefined {
  if (type === 'text') return undefined;
  if (type === 'json_object') return { kind: 'json_object' };
  throw new InvalidRequestError(`${param} must be "text", "json_object" or "json_schema" (got ${JSON.stringify(type)}).`, param);
}

function schemaFormat(name: unknown, schema: unknown, description: unknown, param: string): ResponseFormat {
  if (!isJsonObject(schema)) throw new InvalidRequestError(`${param}.schema must be a JSON Schema object.`, `${param}.schema`);
  return {
    kind: 'json_schema',
    schema,
    ...(typeof name === 'string' && name ? { name } : {}),
    ...(typeof description === 'string' && description ? { description } : {}),
  };
}

/** What the model reads on the current turn: one JSON value, nothing around it. */
export function responseFormatInstruction(format: ResponseFormat): string {
  const plain = 'Reply with the JSON only: no prose before or after it, no Markdown code fence.';
  if (format.kind === 'json_object') return `Answer with a single JSON object. ${plain}`;
  const named = format.name ? ` "${format.name}"` : '';
  const about = format.description ? ` (${format.description})` : '';
  return `Answer with a single JSON value that conforms to the JSON Schema${named}${about} below. ${plain}\n\n${JSON.stringify(format.schema)}`;
}
