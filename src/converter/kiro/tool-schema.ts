import { isJsonObject, type JsonObject } from '../../common/json';

type Schema = JsonObject;

/**
 * Repairs what makes Kiro answer `Improperly formed request` in a tool's JSON Schema: `null`
 * `required` / `properties`, a missing root `type`, non-string `required` entries
 * (kiro-protocol.md §2.5 #6). Everything else, `$schema`, `additionalProperties`, `anyOf`, is
 * kept: the real IDE sends those.
 */
export function repairToolSchema(schema: unknown): Schema {
  const root = isJsonObject(schema) ? repairNode(schema) : {};
  if (typeof root.type !== 'string') root.type = 'object';
  if (root.type === 'object' && !isJsonObject(root.properties)) root.properties = {};
  return root;
}

function repairNode(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (value === null && (key === 'required' || key === 'properties' || key === 'items' || key === 'type')) continue;
    if (key === 'required') {
      if (Array.isArray(value)) out.required = value.filter((v): v is string => typeof v === 'string');
      continue;
    }
    if (key === 'properties' && isJsonObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isJsonObject(sub) ? repairNode(sub) : {}]));
      continue;
    }
    if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isJsonObject(value)) {
      out[key] = repairNode(value);
      continue;
    }
    if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)) {
      out[key] = value.filter(isJsonObject).map(repairNode);
      continue;
    }
    out[key] = value;
  }
  return out;
}

