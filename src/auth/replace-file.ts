import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations {@link replaceFile} needs: node:fs/promises, or a fake in tests. */
export interface ReplaceFileSystem {
  open(path: string, flags: number, mode?: number): Promise<WritableHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export interface WritableHandle {
  write(data: Buffer, offset: number, length: number, position: number): Promise<unknown>;
  truncate(length: number): Promise<void>;
  chmod(mode: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export const nodeFileSystem: ReplaceFileSystem = { open, rename, unlink };

const { O_WRONLY, O_RDONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
/** The file is a mount point (EBUSY), on another device (EXDEV), or its directory is not writable. */
const REPLACE_REFUSED = new Set(['EBUSY', 'EXDEV', 'EPERM', 'EACCES']);

/**
 * Replaces a file's contents with `content`, mode 0600, as safely as the place allows:
 * - atomically: a temp file of a random name beside it, created exclusively and never through a
 *   link (O_EXCL | O_NOFOLLOW), written, fsynced, renamed over the file, and the directory fsynced;
 * - in place, when it cannot be replaced: a single-file bind mount (Docker) refuses the rename
 *   (EBUSY), a read-only directory refuses the temp file. The file is rewritten, truncated to the
 *   new length and fsynced, still never through a link.
 * No temp file is ever left behind (it holds the same secrets).
 */
export async function replaceFile(path: string, content: string, fs: ReplaceFileSystem = nodeFileSystem): Promise<'replaced' | 'rewritten'> {
  const bytes = Buffer.from(content);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  let tempExists = false;
  try {
    const handle = await fs.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    tempExists = true;
    await writeAll(handle, bytes);
    await fs.rename(temp, path);
    tempExists = false;
    await syncDirectory(fs, dirname(path));
    return 'replaced';
  } catch (err) {
    // Only where replacing is what is refused: after ENOSPC, say, a rewrite would corrupt the file.
    if (!REPLACE_REFUSED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    await rewriteInPlace(fs, path, bytes);
    return 'rewritten';
  } finally {
    if (tempExists) await fs.unlink(temp).catch(() => undefined);
  }
}

async function rewriteInPlace(fs: ReplaceFileSystem, path: string, bytes: Buffer): Promise<void> {
  const handle = await fs.open(path, O_WRONLY | O_CREAT | O_NOFOLLOW, 0o600);
  await writeAll(handle, bytes);
}

/** Writes from the start, cuts what is beyond, makes it 0600 and durable, and closes. */
async function writeAll(handle: WritableHandle, bytes: Buffer): Promise<void> {
  try {
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.truncate(bytes.length);
    await handle.chmod(0o600);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The rename itself survives a crash once the directory is synced; not every platform allows it. */
async function syncDirectory(fs: ReplaceFileSystem, dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort (Windows, some network file systems)
  }
}
