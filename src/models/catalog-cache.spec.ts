import type { KiroModelInfo } from '../kiro';
import { CatalogCache, FIRST_CATALOG_WAIT_MS } from './catalog-cache';

const TTL = 1_000;

function cache(fetch: () => Promise<KiroModelInfo[]>) {
  let now = 0;
  const errors: string[] = [];
  /** The first-catalog waits started, each ended by `elapse()` (the wait's time is up) or its signal. */
  const waits: Array<{ ms: number; elapse: () => void; signal: AbortSignal }> = [];
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      waits.push({ ms, elapse: resolve, signal });
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  const catalog = new CatalogCache({ fetch, now: () => now, sleep, ttlMs: TTL, onError: (err) => errors.push(err.message) });
  return { catalog, errors, waits, advance: (ms: number) => (now += ms) };
}

/** A fetch that answers only when told to. */
function pendingFetch() {
  let answer: ((models: KiroModelInfo[]) => void) | undefined;
  let calls = 0;
  const fetch = () => {
    calls++;
    return new Promise<KiroModelInfo[]>((resolve) => (answer = resolve));
  };
  return { fetch, answer: (models: KiroModelInfo[]) => answer?.(models), calls: () => calls };
}

describe(CatalogCache.name, () => {
  it('waits for the first fetch', async () => {
    const { catalog } = cache(async () => [{ modelId: 'claude-sonnet-4.5' }]);

    expect(await catalog.forRequest()).toStrictEqual([{ modelId: 'claude-sonnet-4.5' }]);
  });

  it('answers a request with the catalog it has once it has one, renewing it in the background when old', async () => {
    let calls = 0;
    let release: (() => void) | undefined;
    const { catalog, advance } = cache(async () => {
      calls++;
      if (calls > 1) await new Promise<void>((resolve) => (release = resolve));
      return [{ modelId: `model-${calls}` }];
    });
    await catalog.forRequest();
    advance(TTL * 5);

    const served = await catalog.forRequest();

    expect(served).toStrictEqual([{ modelId: 'model-1' }]);
    expect(calls).toBe(2);
    release?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await catalog.forRequest()).toStrictEqual([{ modelId: 'model-2' }]);
  });

  it('keeps the last catalog when a renewal fails, and reports the failure', async () => {
    let fail = false;
    const { catalog, errors, advance } = cache(async () => {
      if (fail) throw new Error('Kiro is down');
      return [{ modelId: 'claude-sonnet-4.5' }];
    });
    await catalog.current();
    fail = true;
    advance(TTL);

    expect(await catalog.current()).toStrictEqual([{ modelId: 'claude-sonnet-4.5' }]);
    expect(errors).toStrictEqual(['Kiro is down']);
  });

  it('asks Kiro again no sooner than a minute after a failed fetch, however many requests come', async () => {
    let calls = 0;
    const { catalog, advance } = cache(async () => {
      calls++;
      throw new Error('Kiro is down');
    });

    for (let i = 0; i < 5; i++) await catalog.forRequest();
    advance(59_000);
    await catalog.forRequest();
    const beforeTheMinute = calls;
    advance(2_000);
    await catalog.forRequest();

    expect(beforeTheMinute).toBe(1);
    expect(calls).toBe(2);
  });

  it('waits for the first catalog no longer than its first wait, then goes on without one', async () => {
    const kiro = pendingFetch();
    const { catalog, waits } = cache(kiro.fetch);

    const first = catalog.forRequest();
    await new Promise((resolve) => setImmediate(resolve));
    expect(waits.map((wait) => wait.ms)).toStrictEqual([FIRST_CATALOG_WAIT_MS]);
    waits[0].elapse();

    expect(await first).toStrictEqual([]);
    kiro.answer([{ modelId: 'claude-sonnet-4.5' }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await catalog.forRequest()).toStrictEqual([{ modelId: 'claude-sonnet-4.5' }]);
    expect(kiro.calls()).toBe(1);
  });

  it('stops waiting for the first catalog when the request is gone', async () => {
    const kiro = pendingFetch();
    const { catalog, waits } = cache(kiro.fetch);
    const client = new AbortController();

    const first = catalog.forRequest(client.signal);
    await new Promise((resolve) => setImmediate(resolve));
    client.abort();

    expect(await first).toStrictEqual([]);
    expect(waits[0].signal.aborted).toBe(true);
  });

  it('ends its wait as soon as the first catalog comes', async () => {
    const kiro = pendingFetch();
    const { catalog, waits } = cache(kiro.fetch);

    const first = catalog.forRequest();
    await new Promise((resolve) => setImmediate(resolve));
    kiro.answer([{ modelId: 'auto' }]);

    expect(await first).toStrictEqual([{ modelId: 'auto' }]);
    expect(waits[0].signal.aborted).toBe(true);
  });

  it('looks models up by id, the first entry of an id winning as a scan would, and renews the index with the catalog', async () => {
    let calls = 0;
    const { catalog, advance } = cache(async () => {
      calls++;
      return calls === 1
        ? [{ modelId: 'auto' }, { modelId: 'claude-sonnet-4.5', maxInputTokens: 200_000 }, { modelId: 'claude-sonnet-4.5', maxInputTokens: 1 }]
        : [{ modelId: 'claude-opus-4.7', maxInputTokens: 1_000_000 }];
    });

    expect([...catalog.ids]).toStrictEqual([]);
    await catalog.forRequest();
    const first = { ids: [...catalog.ids], sonnet: catalog.maxInputTokens('claude-sonnet-4.5'), auto: catalog.maxInputTokens('auto') };
    advance(TTL);
    await catalog.current();

    expect(first).toStrictEqual({ ids: ['auto', 'claude-sonnet-4.5'], sonnet: 200_000, auto: undefined });
    expect([...catalog.ids]).toStrictEqual(['claude-opus-4.7']);
    expect(catalog.maxInputTokens('claude-opus-4.7')).toBe(1_000_000);
    expect(catalog.maxInputTokens('claude-sonnet-4.5')).toBeUndefined();
  });
});
