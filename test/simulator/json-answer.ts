/**
 * The gateway asks for structured output with an instruction on the current turn (Kiro has no
 * JSON mode). A model that follows it answers with JSON only; the simulator does the same, with
 * a value built from the schema, so clients that parse the answer can be tested end to end.
 */
const JSON_OBJECT = 'Answer with a single JSON object.';
const JSON_SCHEMA = /Answer with a single JSON value that conforms to the JSON Schema[^\n]*\n\n(\{.*\})\s*$/s;

/** The JSON answer the instruction in `content` asks for, or undefined when there is none. */
export function jsonAnswerFor(content: string): string | undefined {
  const match = JSON_SCHEMA.exec(content);
  if (match) {
    const schema = JSON.parse(match[1]) as Schema;
    return JSON.stringify(exampleOf(schema, new Root(schema), 0));
  }
  if (content.includes(JSON_OBJECT)) return JSON.stringify({ answer: 'Hello from the Kiro simulator!' });
  return undefined;
}

type Schema = Record<string, unknown>;

/** `$ref`s point into the root's `$defs` / `definitions` (what Pydantic and zod emit). */
class Root {
  constructor(private readonly root: Schema) {}

  resolve(ref: string): Schema {
    const path = ref.replace(/^#\/?/, '').split('/').filter(Boolean);
    let node: unknown = this.root;
    for (const key of path) node = typeof node === 'object' && node !== null ? (node as Schema)[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    return typeof node === 'object' && node !== null ? (node as Schema) : {};
  }
}

const MAX_DEPTH = 12;

function exampleOf(schema: Schema, root: Root, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === 'string') return exampleOf(root.resolve(schema.$ref), root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const first = options.find((option) => (option as Schema).type !== 'null') ?? options[0];
      return exampleOf(first as Schema, root, depth + 1);
    }
  }
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'null') ?? 'null') : schema.type;
  switch (type) {
    case 'object':
    case undefined: {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, exampleOf(property, root, depth + 1)]));
    }
    case 'array': {
      const items = schema.items as Schema | undefined;
      return items ? [exampleOf(items, root, depth + 1)] : [];
    }
    case 'string':
      return 'example';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}
