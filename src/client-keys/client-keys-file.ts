import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { replaceFile } from '../auth/replace-file';
import { type ClientKey, KEY_NAME, MAX_CLIENT_KEYS } from './client-key';
import { parsePolicy } from './key-policy-input';

/**
 * A key as CLIENT_KEYS_FILE holds it. A created key: the digest, never the secret. A
 * PROXY_API_KEYS key (`env.NAME`): only the limits and state set in the console (its secret is
 * the environment's).
 */
export interface StoredClientKey {
  id: string;
  name: string;
  /** `sha256:<hex>` (created keys). */
  digest?: string;
  hint?: string;
  enabled: boolean;
  createdAt?: string;
  models: string[];
  accounts: string[];
  rateLimitPerMinute?: number;
  dailyCredits?: number;
  monthlyCredits?: number;
}

const DIGEST = /^sha256:([0-9a-f]{64})$/;
const ID = /^key_[0-9a-f]{12}$/;
const ENV_ID = /^env\.[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What CLIENT_KEYS_FILE holds: the usable keys, and the entries that are not (kept as they are when the file is written). */
export interface ClientKeysDocument {
  keys: ClientKey[];
  /** Why each unusable entry is refused. */
  problems: string[];
  unusable: unknown[];
}

/**
 * Writes one file whole, one write at a time, atomically and 0600 ({@link replaceFile}); its
 * directory is made on the first write.
 */
export class FileWriter {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  write(content: string): Promise<void> {
    const run = this.chain.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await replaceFile(this.path, content);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/**
 * CLIENT_KEYS_FILE: `{"keys": [...]}`, written whole (it is small and bounded). Replicas share it
 * (one volume): ClientKeysSync changes it under a lock, always from what it holds on disk.
 */
export class ClientKeysFile {
  private readonly writer: FileWriter;

  constructor(readonly path: string) {
    this.writer = new FileWriter(path);
  }

  /** The keys in the file (none if it does not exist yet), and a problem for each entry that cannot be used. */
  async load(): Promise<ClientKeysDocument> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (isMissing(err)) return { keys: [], problems: [], unusable: [] };
      throw err;
    }
    const document = JSON.parse(text) as { keys?: unknown };
    if (!Array.isArray(document?.keys)) throw new Error('it holds no "keys" list');
    const keys: ClientKey[] = [];
    const problems: string[] = [];
    const unusable: unknown[] = [];
    for (const [index, entry] of (document.keys as unknown[]).slice(0, MAX_CLIENT_KEYS).entries()) {
      const key = fromStored(entry);
      if (typeof key === 'string') {
        problems.push(`entry ${index + 1}: ${key}`);
        unusable.push(entry);
      } else {
        keys.push(key);
      }
    }
    return { keys, problems, unusable };
  }

  /**
   * What tells that another replica wrote the file (`missing` when there is none): its inode (a
   * replacement is a new file), size, and modification and change times in nanoseconds. Size and
   * milliseconds alone miss two writes of one size within the file system's time granularity.
   */
  async version(): Promise<string> {
    try {
      const info = await stat(this.path, { bigint: true });
      return `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
    } catch (err) {
      if (isMissing(err)) return 'missing';
      throw err;
    }
  }

  /** The keys, and the unusable entries as they were read (an operator's typo is not deleted by a change made in the console). */
  save(keys: readonly ClientKey[], unusable: readonly unknown[] = []): Promise<void> {
    return this.writer.write(`${JSON.stringify({ keys: [...keys.map(toStored), ...unusable] }, null, 2)}\n`);
  }
}

function toStored(key: ClientKey): StoredClientKey {
  return {
    id: key.id,
    name: key.name,
    ...(key.source === 'created' ? { digest: `sha256:${key.digest}`, hint: key.hint ?? '', createdAt: key.createdAt ?? '' } : {}),
    enabled: key.enabled,
    models: key.models,
    accounts: key.accounts,
    ...(key.rateLimitPerMinute !== undefined ? { rateLimitPerMinute: key.rateLimitPerMinute } : {}),
    ...(key.dailyCredits !== undefined ? { dailyCredits: key.dailyCredits } : {}),
    ...(key.monthlyCredits !== undefined ? { monthlyCredits: key.monthlyCredits } : {}),
  };
}

/** A stored entry as a key, or why it cannot be one. */
function fromStored(entry: unknown): ClientKey | string {
  if (typeof entry !== 'object' || entry === null) return 'not an object';
  const e = entry as Record<string, unknown>;
  const env = typeof e.id === 'string' && ENV_ID.test(e.id);
  if (typeof e.id !== 'string' || !(env || ID.test(e.id))) return 'no valid id';
  if (typeof e.name !== 'string' || !KEY_NAME.test(e.name)) return `${e.id}: no valid name`;
  // A PROXY_API_KEYS key's settings carry no digest: the secret is the environment's.
  const digest = env ? '' : typeof e.digest === 'string' ? DIGEST.exec(e.digest)?.[1] : undefined;
  if (digest === undefined) return `${e.id}: no sha256 digest`;
  const policy = parsePolicy({ models: e.models, accounts: e.accounts, rateLimitPerMinute: e.rateLimitPerMinute, dailyCredits: e.dailyCredits, monthlyCredits: e.monthlyCredits });
  if (typeof policy === 'string') return `${e.id}: ${policy}`;
  return {
    id: e.id,
    name: e.name,
    source: env ? 'static' : 'created',
    digest,
    hint: typeof e.hint === 'string' ? e.hint : undefined,
    enabled: e.enabled !== false,
    createdAt: typeof e.createdAt === 'string' ? e.createdAt : undefined,
    models: policy.models ?? [],
    accounts: policy.accounts ?? [],
    rateLimitPerMinute: policy.rateLimitPerMinute ?? undefined,
    dailyCredits: policy.dailyCredits ?? undefined,
    monthlyCredits: policy.monthlyCredits ?? undefined,
  };
}

/** `data/client-keys.json` → `data/client-keys.usage.json`: where a process without Redis keeps its keys' spend. */
export function usageFileFor(keysFile: string): string {
  return keysFile.endsWith('.json') ? `${keysFile.slice(0, -'.json'.length)}.usage.json` : `${keysFile}.usage.json`;
}

interface SpendEntry {
  counter: string;
  total: number;
  expiresAt: number;
}

const COUNTER = /^(credits|requests):[A-Za-z0-9._-]{1,80}:[dm]\d{6,8}$/;

/** The current periods' counters of every key, rewritten whole (atomic, 0600) every few seconds while they change. */
export class SpendFile {
  private readonly writer: FileWriter;

  constructor(readonly path: string) {
    this.writer = new FileWriter(path);
  }

  async load(): Promise<SpendEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    const counters = (JSON.parse(text) as { counters?: unknown })?.counters;
    if (!Array.isArray(counters)) throw new Error('it holds no "counters" list');
    return counters
      .slice(0, MAX_CLIENT_KEYS * 8)
      .filter((entry): entry is SpendEntry => typeof entry?.counter === 'string' && COUNTER.test(entry.counter) && Number.isFinite(entry.total) && Number.isFinite(entry.expiresAt));
  }

  save(entries: SpendEntry[]): Promise<void> {
    return this.writer.write(`${JSON.stringify({ counters: entries })}\n`);
  }
}

/** No such file, or a path through something that is not a directory: nothing there yet. */
function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
