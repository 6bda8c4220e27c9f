/**
 * Upstream messages are passed on to clients, but never with a credential in them. The patterns
 * cover bearer headers, Kiro's token shapes (`aoa…` access, `aor…` refresh; kiro-protocol.md §1.1),
 * Kiro API keys (`ksk_…`), the gateway's client keys (`kgw_…`) and token and key fields inside JSON.
 */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=:-]{12,}/gi, '$1 [redacted]'],
  [/\b(ao[ar][A-Za-z0-9._~+/=-]{16,})/g, '[redacted]'],
  [/("?(?:access|refresh|id)_?[Tt]oken"?\s*[:=]\s*"?)[^\s"',;}]+/g, '$1[redacted]'],
  [/("?client_?[Ss]ecret"?\s*[:=]\s*"?)[^\s"',;}]+/g, '$1[redacted]'],
  // The gateway's own client keys (`kgw_…`, shown once when created) and Kiro API keys (`ksk_…`).
  [/\bkgw_[A-Za-z0-9_-]{20,}/g, '[redacted]'],
  [/\bksk_[A-Za-z0-9_-]{16,}/g, '[redacted]'],
  // JSON fields that hold one of them, whatever its shape (a string value, escapes included; bounded,
  // so an unclosed one costs a bounded scan, never one to the end of a 5 MB dump).
  [/("(?:apiKey|api_key|secret|refreshToken|refresh_token)"\s*:\s*")(?:[^"\\]|\\.){0,4096}"/g, '$1[redacted]"'],
];

export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
