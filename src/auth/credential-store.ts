import { readFile } from 'node:fs/promises';
import { Injectable, Logger } from '@nestjs/common';
import { writeKiroCliCredential } from './kiro-cli-store';
import { KiroCredential } from './kiro-credential';
import { replaceFile } from './replace-file';

/**
 * Writes a rotated refresh token back where it came from, so a restart (or the IDE sharing the
 * login) does not hold a dead token (kiro-protocol.md §1.6). Atomic where the file can be replaced
 * (random exclusive temp file, fsync, rename), in place where it cannot (a single-file bind mount);
 * 0600, keeping every field the gateway does not know.
 */
@Injectable()
export class CredentialStore {
  private readonly logger = new Logger(CredentialStore.name);

  async persist(credential: KiroCredential): Promise<void> {
    const { source } = credential;
    if (source.kind === 'kiro-cli') {
      try {
        writeKiroCliCredential(source.path, source.key, credential);
      } catch (err) {
        this.logger.error(`Could not write the rotated refresh token back to ${source.path}: ${(err as Error).message}`);
      }
      return;
    }
    if (source.kind !== 'file' && source.kind !== 'kiro-ide') return;
    const path = source.path;
    let existing: Record<string, unknown> = {};
    try {
      existing = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    } catch {
      // A file that vanished or broke is rewritten with what we know.
    }
    const merged: Record<string, unknown> = {
      ...existing,
      accessToken: credential.accessToken,
      refreshToken: credential.refreshToken,
      ...(credential.expiresAt !== undefined ? { expiresAt: new Date(credential.expiresAt).toISOString() } : {}),
      ...(credential.profileArn ? { profileArn: credential.profileArn } : {}),
    };
    try {
      const how = await replaceFile(path, `${JSON.stringify(merged, null, 2)}\n`);
      if (how === 'rewritten') this.logger.log(`Rewrote ${path} in place with the rotated refresh token (it cannot be replaced, e.g. a bind-mounted file)`);
    } catch (err) {
      this.logger.error(`Could not write the rotated refresh token back to ${path}: ${(err as Error).message}`);
    }
  }
}
