/**
 * At most `max` UTF-16 units of `text`, never ending in half a surrogate pair; cut text ends
 * with "…" (one more character).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}…`;
}

/**
 * A string a client chose, as it may appear in a log line: cut to `max` characters (a client must
 * not decide how long our log lines are) and with control characters escaped, so that a newline
 * in it cannot start a forged line in a human-readable log.
 */
export function forLog(value: unknown, max = 40): string {
  const text = truncate(String(value), max);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
