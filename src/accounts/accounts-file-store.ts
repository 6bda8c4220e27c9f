import { readFile } from 'node:fs/promises';
import { replaceFile } from '../auth/replace-file';

type Entry = Record<string, unknown>;

/**
 * KIRO_ACCOUNTS_FILE as the gateway writes it: a rotated refresh token back into its account's
 * entry, and the admin API's changes. One write at a time, each re-reading the file and keeping
 * every field and entry it does not change; atomic and 0600 ({@link replaceFile}).
 */
export class AccountsFileStore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Merges `patch` into the named entry (undefined values delete the field). */
  update(name: string, patch: Entry): Promise<void> {
    return this.edit((entries) => {
      const entry = entries.find((candidate) => candidate.name === name);
      if (!entry) return false;
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) delete entry[key];
        else entry[key] = value;
      }
      return true;
    });
  }

  add(entry: Entry): Promise<void> {
    return this.edit((entries) => {
      entries.push(entry);
      return true;
    });
  }

  remove(name: string): Promise<void> {
    return this.edit((entries) => {
      const index = entries.findIndex((candidate) => candidate.name === name);
      if (index < 0) return false;
      entries.splice(index, 1);
      return true;
    });
  }

  private edit(change: (entries: Entry[]) => boolean): Promise<void> {
    const run = this.chain.then(async () => {
      const { document, entries } = await this.read();
      if (!change(entries)) return;
      await replaceFile(this.path, `${JSON.stringify(document, null, 2)}\n`);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The file as it is now: `{accounts: [...]}` (other top-level fields kept) or a bare array. */
  private async read(): Promise<{ document: unknown; entries: Entry[] }> {
    let document: unknown;
    try {
      document = JSON.parse(await readFile(this.path, 'utf8')) as unknown;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      document = { accounts: [] };
    }
    if (Array.isArray(document)) return { document, entries: document as Entry[] };
    const object = (typeof document === 'object' && document !== null ? document : {}) as { accounts?: unknown };
    if (!Array.isArray(object.accounts)) object.accounts = [];
    return { document: object, entries: object.accounts as Entry[] };
  }
}
