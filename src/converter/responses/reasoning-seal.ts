import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'kgr1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * `reasoning.encrypted_content` for stateless Responses clients (Codex with `store: false`): the
 * reasoning text sealed with AES-256-GCM, bound to its owner (the gateway key or one tenant), so
 * that the next turn can hand it back and only this gateway — any replica sharing PROXY_API_KEY —
 * can read it, unaltered, for the same caller.
 */
export class ReasoningSeal {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'kiro-gateway', 'responses reasoning.encrypted_content', 32));
  }

  seal(text: string, owner: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(owner));
    const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The text, or undefined when the content is not one this gateway sealed for this owner. */
  open(content: string, owner: string): string | undefined {
    if (!content.startsWith(PREFIX)) return undefined;
    const raw = Buffer.from(content.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(owner));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
