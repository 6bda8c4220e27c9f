import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface FileLockOptions {
  /** A lock file older than this is a holder that died (a change takes milliseconds): it is removed. */
  staleMs: number;
  /** How long {@link FileLock.hold} waits for another holder before giving up ({@link FileLockTimeoutError}). */
  waitMs: number;
  /** The pause between two tries (jittered by up to half of it, so waiting replicas do not retry in step). */
  retryMs: number;
  /** Names the holder in the lock file, for an operator who finds one left behind. */
  owner: string;
  /** Told once when the directory refuses the lock file (read-only, its file writable in place): changes go on unlocked. */
  onUnlockable?: (err: NodeJS.ErrnoException) => void;
}

/** Another process held the lock for all of {@link FileLockOptions.waitMs}. */
export class FileLockTimeoutError extends Error {
  constructor(
    readonly path: string,
    readonly holder: string,
  ) {
    super(`${path} is held${holder ? ` by ${holder}` : ''}`);
  }
}

/** The directory refuses new files: without a lock, but the file itself may still be rewritten in place (replaceFile). */
const UNLOCKABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * An exclusive lock between processes sharing a directory (replicas on one volume): a file made
 * with O_CREAT|O_EXCL (`wx`), which exactly one creator gets, even on NFS v3+. Waiting never
 * blocks the event loop (async tries, bounded), and a lock left by a process that died is taken
 * over once it is older than `staleMs`. A holder removes only its own lock file (its token), so a
 * slow holder whose lock was taken over does not remove its successor's.
 */
export class FileLock {
  private warnedUnlockable = false;

  constructor(
    readonly path: string,
    private readonly options: FileLockOptions,
  ) {}

  /** Runs `work` holding the lock, and releases it however `work` ends. */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    const token = await this.acquire();
    try {
      return await work();
    } finally {
      if (token) await this.release(token);
    }
  }

  /** The lock's token, or undefined where the directory allows no lock file. */
  private async acquire(): Promise<string | undefined> {
    const token = randomBytes(12).toString('hex');
    const deadline = Date.now() + this.options.waitMs;
    let madeDirectory = false;
    for (;;) {
      try {
        await writeFile(this.path, `${JSON.stringify({ owner: this.options.owner, token, at: new Date().toISOString() })}\n`, { flag: 'wx', mode: 0o600 });
        return token;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (UNLOCKABLE.has(code)) {
          if (!this.warnedUnlockable) this.options.onUnlockable?.(err as NodeJS.ErrnoException);
          this.warnedUnlockable = true;
          return undefined;
        }
        if (code === 'ENOENT' && !madeDirectory) {
          // The first change: the directory is made as the file's writer would make it.
          await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
          madeDirectory = true;
          continue;
        }
        if (code !== 'EEXIST') throw err;
      }
      if (await this.removeIfStale()) continue;
      if (Date.now() >= deadline) throw new FileLockTimeoutError(this.path, await this.holder());
      await delay(this.options.retryMs * (1 + Math.random() / 2));
    }
  }

  /**
   * Removes a lock file older than `staleMs`. Two waiters may both find it stale: the stat just
   * before the unlink narrows (does not close) the window in which one removes the other's new lock.
   */
  private async removeIfStale(): Promise<boolean> {
    try {
      const info = await stat(this.path);
      if (Date.now() - info.mtimeMs < this.options.staleMs) return false;
      const again = await stat(this.path);
      if (again.ino !== info.ino || again.mtimeMs !== info.mtimeMs) return false;
      await unlink(this.path);
      return true;
    } catch (err) {
      // Released in between: try again at once.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw err;
    }
  }

  private async release(token: string): Promise<void> {
    try {
      if ((await readFile(this.path, 'utf8')).includes(`"token":"${token}"`)) await unlink(this.path);
    } catch {
      // Already gone (taken over as stale after all): nothing of ours to remove.
    }
  }

  private async holder(): Promise<string> {
    try {
      const { owner, at } = JSON.parse(await readFile(this.path, 'utf8')) as { owner?: unknown; at?: unknown };
      return typeof owner === 'string' ? `${owner.slice(0, 80)}${typeof at === 'string' ? ` since ${at.slice(0, 30)}` : ''}` : '';
    } catch {
      return '';
    }
  }
}
