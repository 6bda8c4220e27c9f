import { nativeReasoningSupport, type NativeReasoningSupport } from '../converter/native-reasoning';
import type { KiroModelInfo } from '../kiro';

/** After a failed fetch, the next one waits this long: generation requests read the catalog too. */
const RETRY_AFTER_FAILURE_MS = 60_000;

/** How long a generation request waits for an account's first catalog before it is routed without one. */
export const FIRST_CATALOG_WAIT_MS = 2_000;

export interface CatalogCacheOptions {
  fetch: () => Promise<KiroModelInfo[]>;
  now: () => number;
  ttlMs: number;
  onError: (err: Error) => void;
  /** Resolves after `ms`, or rejects when `signal` aborts (the Clock's sleep). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** {@link FIRST_CATALOG_WAIT_MS} unless a test says otherwise. */
  firstWaitMs?: number;
}

/**
 * One account's Kiro model catalog, cached for MODEL_CACHE_TTL: renewed in the background once
 * half the TTL has passed, awaited only when it is older than the TTL (or was never fetched),
 * and served stale when Kiro cannot be reached.
 */
export class CatalogCache {
  private models: KiroModelInfo[] = [];
  private index: CatalogIndex = indexOf([]);
  private fetchedAt: number | undefined;
  /** Set by a failed fetch: no new attempt before then. */
  private retryAt: number | undefined;
  private inflight: Promise<void> | undefined;

  constructor(private readonly options: CatalogCacheOptions) {}

  /** The catalog as last fetched, without waiting (empty before the first fetch). */
  get cached(): readonly KiroModelInfo[] {
    return this.models;
  }

  /** The same catalog by id, built once per fetch: requests look models up, never scan the list. */
  get ids(): ReadonlySet<string> {
    return this.index.ids;
  }

  /** What a listed model takes for native reasoning; undefined when it has none (§9.5). */
  nativeReasoning(modelId: string): NativeReasoningSupport | undefined {
    return this.index.nativeReasoning.get(modelId);
  }

  /** How many prompt-cache checkpoints a listed model takes; undefined when it has no prompt caching (§9.6). */
  cacheCheckpoints(modelId: string): number | undefined {
    return this.index.cacheCheckpoints.get(modelId);
  }

  /** A listed model's context window, if Kiro gave one. */
  maxInputTokens(modelId: string): number | undefined {
    return this.index.maxInputTokens.get(modelId);
  }

  async current(): Promise<readonly KiroModelInfo[]> {
    const { ttlMs, now } = this.options;
    if (this.retryAt !== undefined && now() < this.retryAt) return this.models;
    const age = this.fetchedAt === undefined ? Infinity : now() - this.fetchedAt;
    if (age < ttlMs / 2) return this.models;
    const refresh = this.refresh();
    // Within the TTL the cached list answers at once while the refresh runs in the background.
    if (age >= ttlMs) await refresh;
    return this.models;
  }

  /**
   * For a generation request: the catalog it has, however old, renewed in the background when
   * due. Before the account's first catalog, the request waits for it at most `firstWaitMs`, or
   * until the client goes away, then goes on without one (Kiro judges the model name); the fetch
   * goes on for the requests after it. A slow model list never holds up a chat for long.
   */
  async forRequest(signal?: AbortSignal): Promise<readonly KiroModelInfo[]> {
    const refreshing = this.current();
    if (this.models.length > 0 || signal?.aborted) return this.models;
    const waited = new AbortController();
    const stop = () => waited.abort();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await Promise.race([refreshing, this.options.sleep(this.options.firstWaitMs ?? FIRST_CATALOG_WAIT_MS, waited.signal).catch(() => undefined)]);
    } finally {
      signal?.removeEventListener('abort', stop);
      waited.abort();
    }
    return this.models;
  }

  private refresh(): Promise<void> {
    return (this.inflight ??= this.fetch().finally(() => {
      this.inflight = undefined;
    }));
  }

  private async fetch(): Promise<void> {
    try {
      const models = await this.options.fetch();
      if (models.length > 0) {
        this.models = models;
        this.index = indexOf(models);
      }
      this.fetchedAt = this.options.now();
      this.retryAt = undefined;
    } catch (err) {
      this.options.onError(err as Error);
      // Stale beats nothing; try again after a minute rather than on every request.
      this.retryAt = this.options.now() + RETRY_AFTER_FAILURE_MS;
    }
  }
}

interface CatalogIndex {
  /** In catalog order. */
  ids: ReadonlySet<string>;
  /** Of the first entry of each id, as a scan would find it. */
  maxInputTokens: ReadonlyMap<string, number | undefined>;
  /** Parsed once per fetch from each entry's additionalModelRequestFieldsSchema. */
  nativeReasoning: ReadonlyMap<string, NativeReasoningSupport>;
  cacheCheckpoints: ReadonlyMap<string, number>;
}

function indexOf(models: readonly KiroModelInfo[]): CatalogIndex {
  const maxInputTokens = new Map<string, number | undefined>();
  const nativeReasoning = new Map<string, NativeReasoningSupport>();
  const cacheCheckpoints = new Map<string, number>();
  for (const model of models) {
    if (maxInputTokens.has(model.modelId)) continue;
    maxInputTokens.set(model.modelId, model.maxInputTokens);
    const support = nativeReasoningSupport(model.additionalModelRequestFieldsSchema);
    if (support) nativeReasoning.set(model.modelId, support);
    if (model.promptCaching) cacheCheckpoints.set(model.modelId, model.promptCaching.maxCheckpoints);
  }
  return { ids: new Set(maxInputTokens.keys()), maxInputTokens, nativeReasoning, cacheCheckpoints };
}
