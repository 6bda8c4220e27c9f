import { createHash } from 'node:crypto';
import { LruMap } from '../common/lru-map';

/**
 * Session affinity (kiro-protocol.md §9.2, CPA's precedence): the first of these a request carries
 * names its conversation, so every turn goes to the account holding its prompt cache.
 * The key is a hash: nothing the client sent is kept as is.
 */

type Headers = Record<string, string | string[] | undefined>;

const HEADER_KEYS = ['x-claude-code-session-id'] as const;
const SESSION_HEADERS = ['session-id', 'x-session-id', 'x-session-affinity'] as const;
/** Claude Code: `user_<hash>_account_<uuid>_session_<uuid>`. */
const USER_ID_SESSION = /_session_([0-9a-f-]{8,64})$/i;
/** Only this much of the first message is hashed: enough to tell conversations apart. */
const FIRST_MESSAGE_CHARS = 4096;
const MAX_KEY_CHARS = 512;

export function affinityKeyOf(headers: Headers, body: unknown): string | undefined {
  const raw = rawAffinityKey(headers, body);
  return raw === undefined ? undefined : createHash('sha256').update(raw).digest('base64url').slice(0, 32);
}

function rawAffinityKey(headers: Headers, body: unknown): string | undefined {
  for (const name of HEADER_KEYS) {
    const value = header(headers, name);
    if (value) return `cc:${value}`;
  }
  const b = isObject(body) ? body : {};
  const userSession = metadataSession(b.metadata);
  if (userSession) return `user:${userSession}`;
  for (const name of SESSION_HEADERS) {
    const value = header(headers, name);
    if (value) return `session:${value}`;
  }
  const clientRequest = header(headers, 'x-client-request-id');
  if (clientRequest) return `client:${clientRequest}`;
  if (typeof b.session_id === 'string' && b.session_id) return `body:${b.session_id.slice(0, MAX_KEY_CHARS)}`;
  if (typeof b.prompt_cache_key === 'string' && b.prompt_cache_key) return `cache:${b.prompt_cache_key.slice(0, MAX_KEY_CHARS)}`;
  const first = firstMessageText(b);
  return first ? `first:${first}` : undefined;
}

function metadataSession(metadata: unknown): string | undefined {
  if (!isObject(metadata) || typeof metadata.user_id !== 'string') return undefined;
  const userId = metadata.user_id.slice(0, MAX_KEY_CHARS);
  const suffix = USER_ID_SESSION.exec(userId);
  if (suffix) return suffix[1];
  if (userId.startsWith('{')) {
    try {
      const parsed = JSON.parse(userId) as unknown;
      if (isObject(parsed) && typeof parsed.session_id === 'string' && parsed.session_id) return parsed.session_id;
    } catch {
      // not JSON: no session in it
    }
  }
  return undefined;
}

/** The first message's text (chat, Messages) or the first input item's (Responses), bounded. */
function firstMessageText(body: Record<string, unknown>): string | undefined {
  const list = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : undefined;
  if (typeof body.input === 'string') return body.input.slice(0, FIRST_MESSAGE_CHARS);
  const first: unknown = list?.[0];
  if (!isObject(first)) return undefined;
  const content = first.content;
  if (typeof content === 'string') return content.slice(0, FIRST_MESSAGE_CHARS);
  if (Array.isArray(content)) {
    for (const part of content.slice(0, 16)) {
      if (isObject(part) && typeof part.text === 'string') return part.text.slice(0, FIRST_MESSAGE_CHARS);
    }
  }
  return undefined;
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim().slice(0, MAX_KEY_CHARS) || undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Conversation → account, each pin kept `ttlMs` after its last use, at most `capacity` pins (LRU). */
export class AffinityPins {
  private readonly pins: LruMap<string, { account: string; expiresAt: number }>;

  constructor(
    capacity: number,
    private readonly ttlMs: number,
  ) {
    this.pins = new LruMap(capacity);
  }

  get(key: string, now: number): string | undefined {
    const pin = this.pins.get(key);
    if (!pin) return undefined;
    if (pin.expiresAt <= now) {
      this.pins.delete(key);
      return undefined;
    }
    pin.expiresAt = now + this.ttlMs;
    return pin.account;
  }

  set(key: string, account: string, now: number): void {
    this.pins.set(key, { account, expiresAt: now + this.ttlMs });
  }

  get size(): number {
    return this.pins.size;
  }
}
