/**
 * Kiro cuts long tool inputs off (kiro-protocol.md §5 #1). A cut is repaired only where that is
 * safe: when closing brackets alone complete the JSON, i.e. the cut fell between values. A cut
 * inside a string or after a key would invent or lose data, so it is not repaired.
 */
export function closingSuffix(json: string): string | undefined {
  const stack: string[] = [];
  let inString = false;
  let escaped = false;
  for (const ch of json) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') stack.push('}');
    else if (ch === '[') stack.push(']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
    }
  }
  if (inString || stack.length === 0) return undefined;
  // A number or literal at the cut may itself be cut (12 of 125): closing it would change data.
  if (/[0-9eE.+\-a-z]$/.test(json.trimEnd()) && !/(true|false|null)$/.test(json.trimEnd())) return undefined;
  const suffix = stack.reverse().join('');
  return isValidJson(json + suffix) ? suffix : undefined;
}

export function isValidJson(text: string): boolean {
  return parseJson(text) !== undefined;
}

/** The parsed value, or undefined when `text` is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
