import { Logger } from '@nestjs/common';
import { GatewayError } from '../common/errors';
import type { ClientKey } from './client-key';
import { ClientKeysFile } from './client-keys-file';
import { FileLock, FileLockTimeoutError } from './file-lock';

export interface ClientKeysSyncOptions {
  /** Names this replica in the lock file. */
  owner: string;
  /** How often the file is checked for another replica's change (and, while it cannot be read, read again). */
  reloadMs: number;
  /** How long a change waits for another replica's lock before it is refused (503). */
  lockWaitMs: number;
  /** A lock file older than this was left by a process that died. */
  lockStaleMs: number;
}

/** What the registry is given after each read or change: every usable key the file holds now. */
export type ApplyKeys = (keys: readonly ClientKey[]) => void;

/** One change: the keys the file holds now in, the keys it is to hold out; a throw refuses it. */
export type KeysEdit = (onDisk: readonly ClientKey[]) => ClientKey[];

interface PendingEdit {
  edit: KeysEdit;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Keeps the created keys and CLIENT_KEYS_FILE in step, for replicas sharing the file (one volume):
 * - a change is one edit of what the file holds *at that moment*: under an exclusive lock beside
 *   the file ({@link FileLock}) the file is read again, the edit applied to it, the result written
 *   atomically and its version noted before the lock is released, so no replica's change is lost
 *   or undone by another's, and the checks an edit makes (names, the number of keys) see them all;
 * - changes and reloads of this process run one at a time, in order; the changes asked for while
 *   one is written go together in the next write (each still checked on its own), so a burst of
 *   them costs one write, not one each;
 * - the file is checked every `reloadMs` and read again when its version changed, or on every
 *   check while it cannot be read (fixing it takes effect without a restart).
 */
export class ClientKeysSync {
  private readonly logger = new Logger('ClientKeys');
  private readonly lock: FileLock;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: PendingEdit[] = [];
  /** The file as last read or written here (see ClientKeysFile.version). */
  private version = 'missing';
  /** Why the file cannot be read now, or undefined. */
  private problem: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    readonly file: ClientKeysFile,
    private readonly apply: ApplyKeys,
    private readonly options: ClientKeysSyncOptions,
  ) {
    this.lock = new FileLock(`${file.path}.lock`, {
      owner: options.owner,
      waitMs: options.lockWaitMs,
      staleMs: options.lockStaleMs,
      retryMs: 25,
      onUnlockable: (err) => this.logger.warn(`${this.lock.path} cannot be made (${err.code}): keys are changed without a lock, safe for one replica only`),
    });
  }

  /** The first read; the checks run from now on whether it worked or not. */
  async start(): Promise<void> {
    await this.serial(() => this.reload());
    if (this.problem) this.logger.error(`Client keys: ${this.problem}; keys made in the console are refused and none can be changed until it is fixed (it is read again every ${this.options.reloadMs / 1000} s)`);
    this.started = true;
    this.timer = setInterval(() => void this.serial(() => this.check()), this.options.reloadMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Whether changes can be made now, and why not. */
  status(): { writable: boolean; problem: string | null } {
    return { writable: this.problem === undefined, problem: this.problem ?? null };
  }

  /**
   * Applies `edit` to the keys the file holds now and writes the result. `edit` may throw (a name
   * taken, a key gone): then nothing of it is written. A failure to lock, read or write is a 503
   * and changes nothing.
   */
  change(edit: KeysEdit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ edit, resolve, reject });
      // The first of a batch schedules its write; those that follow before it starts join it.
      if (this.pending.length === 1) void this.serial(() => this.commit());
    });
  }

  private async commit(): Promise<void> {
    const batch = this.pending.splice(0);
    const accepted: PendingEdit[] = [];
    let keys: readonly ClientKey[] = [];
    try {
      await this.lock.hold(async () => {
        const document = await this.file.load().catch((err: Error) => {
          this.problem = unreadable(this.file.path, err);
          throw new GatewayError(`Client keys cannot be changed: ${this.problem}`, { kind: 'unavailable', code: 'keys_file_unreadable' });
        });
        keys = document.keys;
        for (const pending of batch) {
          try {
            keys = pending.edit(keys);
            accepted.push(pending);
          } catch (err) {
            pending.reject(err);
          }
        }
        if (accepted.length === 0) return;
        await this.file.save(keys, document.unusable);
        this.version = await this.file.version().catch(() => 'unknown');
      });
    } catch (err) {
      const refusal = asRefusal(this.file.path, err);
      for (const pending of accepted.length > 0 ? accepted : batch) pending.reject(refusal);
      return;
    }
    this.problem = undefined;
    try {
      this.apply(keys);
    } catch (err) {
      this.logger.error(`Client keys: the keys written to ${this.file.path} could not be taken up here (${(err as Error).message}); they are read again on the next change of the file`);
      this.version = 'unknown';
    } finally {
      // Written: the changes are made, whatever became of this replica's copy.
      for (const pending of accepted) pending.resolve();
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async check(): Promise<void> {
    try {
      if (this.problem === undefined && (await this.file.version()) === this.version) return;
    } catch {
      // read below, which says what is wrong
    }
    await this.reload();
  }

  /** Reads the file and hands its keys over; a file that cannot be read leaves the keys as they were. */
  private async reload(): Promise<void> {
    const before = this.problem;
    try {
      const version = await this.file.version();
      const { keys, problems } = await this.file.load();
      this.version = version;
      this.problem = undefined;
      for (const problem of problems) this.logger.warn(`${this.file.path}: ${problem} (that key is refused)`);
      this.apply(keys);
      if (before) this.logger.log(`Client keys: ${this.file.path} can be read again; ${keys.length} key(s) from it, and keys can be changed`);
    } catch (err) {
      this.problem = unreadable(this.file.path, err as Error);
      // Once per problem, not every few seconds.
      if (this.started && before !== this.problem) this.logger.warn(`Client keys: ${this.problem}; the keys stay as they were and none can be changed until it is fixed`);
    }
  }
}

const unreadable = (path: string, err: Error): string => `${path} cannot be read (${err.message})`;

/** A failure to lock, read or write the file as the answer to a change (503: nothing was changed). */
function asRefusal(path: string, err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof FileLockTimeoutError) {
    return new GatewayError(`Client keys are being changed by another gateway (${err.message}); try again in a few seconds`, { kind: 'unavailable', code: 'keys_file_locked', retryAfterSeconds: 2 });
  }
  return new GatewayError(`Client keys cannot be saved to ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); nothing was changed`, { kind: 'unavailable', code: 'keys_file_unwritable' });
}
