/** A parsed JSON object whose fields are still to be checked. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where and how `text` fails to parse as JSON, without quoting any of it (the text may hold
 * secrets): V8's messages are used only up to their "in JSON at position N" part, and the
 * position is given as a line and column.
 */
export function describeJsonSyntaxError(text: string, error: unknown): string {
  if (text.trim() === '') return 'it is empty';
  const message = error instanceof Error ? error.message : '';
  const at = /^(.*?) in JSON at position (\d+)/.exec(message);
  const position = at ? Number(at[2]) : /Unexpected end of JSON input/.test(message) ? text.length : undefined;
  if (position === undefined) return 'it is not valid JSON (an unexpected character)';
  const { line, column } = lineAndColumn(text, position);
  const where = `line ${line}, column ${column}`;
  // Every complaint about the last non-blank character means the text stops too early.
  if (position >= text.trimEnd().length) return `it ends too early, at ${where} (cut short?)`;
  const what = at ? at[1].replace(/^./, (c) => c.toLowerCase()) : 'unexpected end';
  return `${what} at ${where}`;
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(position, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
