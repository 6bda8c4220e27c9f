import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'kgr1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** The name of the deployment secret's key for sealed reasoning (DeploymentSecret.key). */
export const REASONING_SEAL_KEY_USE = 'responses reasoning.encrypted_content';

/**
 * `reasoning.encrypted_content` for stateless Responses clients (Codex with `store: false`): the
 * reasoning text sealed with AES-256-GCM, bound to its owner (the gateway key or one tenant), so
 * that the next turn can hand it back and only this deployment can read it, unaltered, for the
 * same caller. The reasoning's summary travels in the clear next to it, so the key must not be
 * guessable offline: it is a random 256-bit key of the deployment's secret, never one derived
 * from the proxy key that every client holds.
 */
export class ReasoningSeal {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`A reasoning seal needs a ${KEY_BYTES}-byte key (got ${key.length})`);
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
