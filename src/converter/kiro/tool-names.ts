import { createHash } from 'node:crypto';

/** Kiro refuses tool names over 64 characters or outside `[A-Za-z0-9_-]` (kiro-protocol.md §2.5 #5). */
export const KIRO_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_LENGTH = 64;
const HASH_LENGTH = 8;

/**
 * Original tool names ⇄ the names Kiro accepts. Shortening is deterministic (a prefix plus a
 * hash of the original), so the same tool gets the same Kiro name in every turn of a
 * conversation, and every name Kiro answers with maps back to what the client declared.
 */
export class ToolNameMap {
  private readonly toKiro = new Map<string, string>();
  private readonly fromKiro = new Map<string, string>();
  /** Kiro compares names case-insensitively, so uniqueness is checked that way too. */
  private readonly takenLowercase = new Set<string>();

  kiroName(original: string): string {
    const known = this.toKiro.get(original);
    if (known) return known;
    let candidate = KIRO_TOOL_NAME.test(original) ? original : shorten(original);
    if (this.takenLowercase.has(candidate.toLowerCase())) candidate = shorten(original, true);
    this.toKiro.set(original, candidate);
    this.fromKiro.set(candidate.toLowerCase(), original);
    this.takenLowercase.add(candidate.toLowerCase());
    return candidate;
  }

  /** The client's name for a name Kiro used; unknown names are returned as they are. */
  originalName(kiroName: string): string {
    return this.fromKiro.get(kiroName.toLowerCase()) ?? kiroName;
  }

  /** Whether any tool name was registered (declared tools or history calls). */
  get hasTools(): boolean {
    return this.toKiro.size > 0;
  }

  /** Whether Kiro's name is one of the tools this request declared. */
  isDeclared(kiroName: string): boolean {
    return this.fromKiro.has(kiroName.toLowerCase());
  }

  get renamed(): boolean {
    for (const [original, kiro] of this.toKiro) if (original !== kiro) return true;
    return false;
  }
}

function shorten(original: string, forceHash = false): string {
  const sanitised = original.replace(/[^A-Za-z0-9_-]/g, '_');
  if (!forceHash && sanitised.length <= MAX_LENGTH && sanitised.length > 0) return sanitised;
  const hash = createHash('sha256').update(original).digest('hex').slice(0, HASH_LENGTH);
  return `${sanitised.slice(0, MAX_LENGTH - HASH_LENGTH - 1)}_${hash}`;
}
