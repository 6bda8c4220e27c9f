import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SimEvent } from './scenarios';

/**
 * Kiro's native reasoning, as the simulator models it (kiro-protocol.md §9.5): the per-model
 * `additionalModelRequestFieldsSchema`, the strict check of `additionalModelRequestFields`
 * against it, signed `reasoningContentEvent`s, and the signature check on reasoning handed
 * back in history.
 */

/** What a Claude model on Kiro accepts (§9.5), with the effort values it advertises. */
export function claudeReasoningSchema(efforts: readonly string[]): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      thinking: {
        type: 'object',
        additionalProperties: false,
        properties: {
          type: { type: 'string', enum: ['adaptive', 'disabled'] },
          display: { type: 'string', enum: ['summarized', 'omitted'] },
        },
      },
      output_config: {
        type: 'object',
        additionalProperties: false,
        properties: { effort: { type: 'string', enum: [...efforts] } },
      },
    },
  };
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The JSON Schema subset the catalog's schemas use (object, properties, additionalProperties,
 * string, enum); returns what is wrong, or undefined. Unknown members are refused, as Kiro does.
 */
export function schemaViolation(value: unknown, schema: JsonObject, path: string): string | undefined {
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return `${path} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? undefined : `${path} must be a string`;
    case 'integer':
      return Number.isInteger(value) ? undefined : `${path} must be an integer`;
    case 'object': {
      if (!isObject(value)) return `${path} must be an object`;
      const properties = isObject(schema.properties) ? schema.properties : {};
      for (const [key, member] of Object.entries(value)) {
        const memberSchema = properties[key];
        if (!isObject(memberSchema)) {
          if (schema.additionalProperties === false) return `${path}.${key} is not allowed by the model's additionalModelRequestFieldsSchema`;
          continue;
        }
        const violation = schemaViolation(member, memberSchema, `${path}.${key}`);
        if (violation) return violation;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The simulator's own signing key: a signature proves the thought is what this "model" thought. */
const SIGNING_KEY = 'kiro-simulator reasoning signature';

const digestOf = (text: string): string => createHash('sha256').update(text).digest('base64url');
const macOf = (digest: string): string => createHmac('sha256', SIGNING_KEY).update(digest).digest('base64url');

/**
 * Self-contained, like Anthropic's: the thought's digest and this model's MAC over it. So the
 * model can check a thought handed back with its text (which must be unchanged) or, for display
 * "omitted", with an empty text.
 */
export function signReasoning(text: string): string {
  const digest = digestOf(text);
  return `${digest}.${macOf(digest)}`;
}

export function isValidSignature(text: string, signature: string): boolean {
  const [digest, mac, ...rest] = signature.split('.');
  if (!digest || !mac || rest.length > 0) return false;
  const expected = Buffer.from(macOf(digest));
  const actual = Buffer.from(mac);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return false;
  return text === '' || digestOf(text) === digest;
}

/** What the simulator's model thinks, naming the effort it was asked for so tests can see it arrive. */
export function reasoningText(effort: string | undefined, situation: string): string {
  return `Thinking natively at ${effort ?? 'default'} effort: ${situation}`;
}

/**
 * A thought as Kiro streams it: the text in small deltas, then the signature in two pieces
 * (gateways must join them, §9.5) — or, for models that only redact, one `redactedContent`.
 */
export function reasoningEvents(text: string, form: 'signed' | 'redacted'): SimEvent[] {
  if (form === 'redacted') return [{ type: 'reasoning', redactedContent: Buffer.from(`redacted:${text}`).toString('base64') }];
  const signature = signReasoning(text);
  const half = Math.ceil(signature.length / 2);
  const pieces: SimEvent[] = [];
  for (let i = 0; i < text.length; i += 12) pieces.push({ type: 'reasoning', text: text.slice(i, i + 12) });
  return [...pieces, { type: 'reasoning', signature: signature.slice(0, half) }, { type: 'reasoning', signature: signature.slice(half) }];
}
