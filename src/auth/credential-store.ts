import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { Injectable, Logger } from '@nestjs/common';
import { writeKiroCliCredential } from './kiro-cli-store';
import { KiroCredential } from './kiro-credential';

/**
 * Writes a rotated refresh token back where it came from, so a restart (or the IDE sharing the
 * login) does not hold a dead token (kiro-protocol.md §1.6). Atomic: temp file + rename, 0600,
 * keeping every field the gateway does not know.
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
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 });
      await chmod(temp, 0o600);
      await rename(temp, path);
    } catch (err) {
      this.logger.error(`Could not write the rotated refresh token back to ${path}: ${(err as Error).message}`);
    }
  }
}
