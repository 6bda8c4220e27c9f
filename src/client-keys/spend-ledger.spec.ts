import type { SpendCounterStore } from './spend-counter-store';
import { SpendLedger } from './spend-ledger';

/** A shared store in memory that can be made to fail, with its pending answers released by hand. */
class FakeStore implements SpendCounterStore {
  readonly values = new Map<string, number>();
  down = false;
  async add(counter: string, amount: number): Promise<number> {
    if (this.down) throw new Error('Connection is closed.');
    const total = (this.values.get(counter) ?? 0) + amount;
    this.values.set(counter, total);
    return total;
  }
  async read(counters: readonly string[]): Promise<number[]> {
    if (this.down) throw new Error('Connection is closed.');
    return counters.map((counter) => this.values.get(counter) ?? 0);
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe(SpendLedger.name, () => {
  let now = 0;
  const ledger = (shared?: SpendCounterStore) => new SpendLedger({ shared, now: () => now, refreshMs: 1_000, maxCells: 10, lingerMs: 1_000 });

  beforeEach(() => {
    now = 0;
  });

  it('counts alone without a shared store', () => {
    const local = ledger();
    local.add('credits:k:d1', 0.02, 86_400_000);
    local.add('credits:k:d1', 0.03, 86_400_000);

    expect(local.total('credits:k:d1', 86_400_000)).toBeCloseTo(0.05);
    expect(local.total('credits:k:d2', 86_400_000)).toBe(0);
  });

  it("sees another replica's spend after a background read of the shared store", async () => {
    const store = new FakeStore();
    store.values.set('credits:k:d1', 0.5);
    const replica = ledger(store);

    expect(replica.total('credits:k:d1', 86_400_000)).toBe(0);
    await settle();
    expect(replica.total('credits:k:d1', 86_400_000)).toBe(0.5);
  });

  it('keeps counting while the shared store is down and sends what it missed once it is back', async () => {
    const store = new FakeStore();
    const replica = ledger(store);
    store.down = true;
    replica.add('credits:k:d1', 0.02, 86_400_000);
    replica.add('credits:k:d1', 0.02, 86_400_000);
    await settle();

    expect(replica.total('credits:k:d1', 86_400_000)).toBeCloseTo(0.04);
    await settle();
    store.down = false;
    now += 1_000;
    replica.total('credits:k:d1', 86_400_000);
    await settle();
    await settle();
    expect(store.values.get('credits:k:d1')).toBeCloseTo(0.04);
    expect(replica.total('credits:k:d1', 86_400_000)).toBeCloseTo(0.04);
  });

  it('stays bounded, dropping the counters of ended periods first', () => {
    const local = ledger();
    for (let i = 0; i < 9; i++) local.add(`credits:k:old${i}`, 1, 10);
    local.add('credits:k:current', 1, 1_000_000);
    now = 100;
    local.add('credits:k:next', 1, 1_000_000);

    expect(local.total('credits:k:current', 1_000_000)).toBe(1);
    expect(local.total('credits:k:old0', 10)).toBe(0);
  });

  it('makes room from the counters of ended periods, never a current one of a key still in use', () => {
    const local = ledger();
    local.add('credits:live:d2', 1, 1_000_000);
    // Yesterday's counters: their period ended, they linger (lingerMs) for replicas with a skewed clock.
    for (let i = 0; i < 9; i++) local.add(`credits:k${i}:d1`, 1, 500);
    local.add('credits:new:d2', 1, 1_000_000);

    expect(local.total('credits:live:d2', 1_000_000)).toBe(1);
    expect(local.total('credits:new:d2', 1_000_000)).toBe(1);
  });

  it('drops the least recently used counter when every one is current', () => {
    const local = new SpendLedger({ shared: undefined, now: () => now, refreshMs: 1_000, maxCells: 3, lingerMs: 1_000 });
    for (const key of ['a', 'b', 'c']) local.add(`credits:${key}:d1`, 1, 1_000_000);
    local.add('credits:a:d1', 1, 1_000_000);
    local.add('credits:d:d1', 1, 1_000_000);

    expect(['a', 'b', 'c', 'd'].map((key) => local.total(`credits:${key}:d1`, 1_000_000))).toEqual([2, 0, 1, 1]);
  });

  it('drops the counters asked for (a deleted key\'s)', () => {
    const local = ledger();
    local.add('credits:gone:d1', 1, 1_000_000);
    local.add('requests:gone:m1', 1, 1_000_000);
    local.add('credits:kept:d1', 1, 1_000_000);
    local.drop((counter) => counter.includes(':gone:'));

    expect(local.snapshot().map(({ counter }) => counter)).toEqual(['credits:kept:d1']);
  });
});

