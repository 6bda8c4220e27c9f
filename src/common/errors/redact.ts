/**
 * Upstream messages are passed on to clients, but never with a credential in them. The patterns
 * cover bearer headers, Kiro's token shapes (`aoa…` access, `aor…` refresh; kiro-protocol.md §1.1)
 * and token fields inside echoed JSON.
 */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=:-]{12,}/gi, '$1 [redacted]'],
  [/\b(ao[ar][A-Za-z0-9._~+/=-]{16,})/g, '[redacted]'],
  [/("?(?:access|refresh|id)_?[Tt]oken"?\s*[:=]\s*"?)[^\s"',;}]+/g, '$1[redacted]'],
  [/("?client_?[Ss]ecret"?\s*[:=]\s*"?)[^\s"',;}]+/g, '$1[redacted]'],
];

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
