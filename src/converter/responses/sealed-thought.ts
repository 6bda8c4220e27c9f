import { isJsonObject } from '../../common/json';
import type { SignedReasoning } from '../conversation';

/**
 * What a Responses reasoning item's `encrypted_content` holds once opened: the reasoning text
 * and, for native reasoning, its signature or redacted content (kiro-protocol.md §9.5), so that a
 * stateless client (Codex, `store: false`) hands the model its signed thinking back.
 */
export interface SealedThought {
  text: string;
  signed?: SignedReasoning;
}

/** Marks a structured thought; an unsigned one stays plain text, as earlier releases sealed it. */
const SIGNED_MARK = '\u0000signed\u0000';

export function encodeThought(thought: SealedThought): string {
  return thought.signed ? SIGNED_MARK + JSON.stringify(thought) : thought.text;
}

export function decodeThought(plain: string): SealedThought {
  if (!plain.startsWith(SIGNED_MARK)) return { text: plain };
  let value: unknown;
  try {
    value = JSON.parse(plain.slice(SIGNED_MARK.length));
  } catch {
    return { text: '' };
  }
  if (!isJsonObject(value) || typeof value.text !== 'string') return { text: '' };
  const signed = value.signed;
  if (isJsonObject(signed) && typeof signed.signature === 'string' && signed.signature) return { text: value.text, signed: { text: value.text, signature: signed.signature } };
  if (isJsonObject(signed) && typeof signed.redacted === 'string' && signed.redacted) return { text: value.text, signed: { redacted: signed.redacted } };
  return { text: value.text };
}
