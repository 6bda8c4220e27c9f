import type { KiroEvent } from '../../kiro';
import type { AssistantEvent } from './assistant-events';

/** Kiro's signatures are a few KB; a longer one is not kept (the thought then goes unsigned). */
export const MAX_SIGNATURE_CHARS = 65_536;

/**
 * Native `reasoningContentEvent`s → assistant events (kiro-protocol.md §9.5): text deltas pass
 * on at once; the signature, which may arrive in several pieces, is joined and passed on as one
 * event when the thought ends (anything else arrives, or the stream ends); redacted content
 * passes on as it is.
 */
export class NativeReasoningRelay {
  private signature = '';
  private oversized = false;

  process(event: Extract<KiroEvent, { kind: 'reasoning' }>): AssistantEvent[] {
    const out: AssistantEvent[] = [];
    // Text after a signature is a new thought: the signed one is complete.
    if (event.text) out.push(...this.close(), { type: 'reasoning', text: event.text });
    if (event.signature) this.appendSignature(event.signature);
    if (event.redacted) out.push(...this.close(), { type: 'redactedReasoning', data: event.redacted });
    return out;
  }

  /** The thought ended: its joined signature, if it had one. */
  close(): AssistantEvent[] {
    const signature = this.signature;
    this.signature = '';
    this.oversized = false;
    return signature ? [{ type: 'reasoningSignature', signature }] : [];
  }

  private appendSignature(piece: string): void {
    if (this.oversized) return;
    if (this.signature.length + piece.length > MAX_SIGNATURE_CHARS) {
      this.signature = '';
      this.oversized = true;
      return;
    }
    this.signature += piece;
  }
}
