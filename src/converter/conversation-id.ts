import { createHash, randomUUID } from 'node:crypto';

/**
 * Kiro's `conversationState.conversationId` for one request. Kiro keys its prompt cache by it,
 * per account (kiro-protocol.md §9.6): the turns of one session get the same id, so later turns
 * read the earlier prefix from the cache. `sessionKey` is the caller and the request's affinity
 * key (§9.2, already a hash); a request without one gets a fresh id. The id is a hash again, in
 * UUID form as Kiro's own clients send it: nothing the client sent reaches Kiro through it.
 */
export function conversationIdFor(sessionKey: string | undefined): string {
  if (sessionKey === undefined) return randomUUID();
  const hex = createHash('sha256').update(`kiro-conversation\u0000${sessionKey}`).digest('hex');
  // Version 4 and the RFC 4122 variant, so it reads as any other UUID.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
