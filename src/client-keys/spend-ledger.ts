import type { SpendCounterStore } from './spend-counter-store';

interface Cell {
  /** The last total the shared store answered (everyone's, this replica's included). */
  shared: number;
  /** Added here and sent, not answered yet. */
  inFlight: number;
  /** Added here and not sent (or sent and failed: sent again with the next addition). */
  unsent: number;
  fetchedAt: number;
  refreshing: boolean;
  /** Epoch ms after which the counter is over (its period ended `lingerMs` before): the cell can go. */
  expiresAt: number;
}

export interface LedgerOptions {
  /** Shared counters (Redis), or undefined: this process's own counts are the totals. */
  shared: SpendCounterStore | undefined;
  now: () => number;
  /** A total older than this is read again from the shared store, in the background. */
  refreshMs: number;
  /** At most this many counters are kept; past it, those of ended periods go first (see {@link SpendLedger.evict}). */
  maxCells: number;
  /** How long a counter outlives its period (its `expiresAt` is the period's end plus this). */
  lingerMs: number;
  onSharedFailure?: (err: Error) => void;
}

/**
 * Counters (credits, requests) per key and period, read on the request path without waiting on
 * anything: each counter's total is the shared store's last answer plus what this replica
 * added since. Additions go to the shared store in the background; while it fails they are kept
 * and sent with the next one, so a Redis outage counts locally and loses nothing once it is back.
 * Across replicas a total is at most about `refreshMs` (plus one request) behind.
 */
export class SpendLedger {
  /** In the order of last use, the least recently used first (a used cell moves to the end). */
  private readonly cells = new Map<string, Cell>();
  /** Something was added since the last {@link snapshot}. */
  dirty = false;

  constructor(private readonly options: LedgerOptions) {}

  add(counter: string, amount: number, expiresAt: number): void {
    if (!(amount > 0)) return;
    const cell = this.cell(counter, expiresAt);
    cell.unsent += amount;
    this.dirty = true;
    this.flush(counter, cell);
  }

  /** The totals of the periods not over yet (kept on disk by a process without a shared store). */
  snapshot(): Array<{ counter: string; total: number; expiresAt: number }> {
    this.dirty = false;
    const now = this.options.now();
    const out = [];
    for (const [counter, cell] of this.cells) if (cell.expiresAt > now) out.push({ counter, total: cell.shared + cell.inFlight + cell.unsent, expiresAt: cell.expiresAt });
    return out;
  }

  /** Totals from an earlier {@link snapshot} (a restart); those of ended periods are ignored. */
  seed(entries: ReadonlyArray<{ counter: string; total: number; expiresAt: number }>): void {
    const now = this.options.now();
    for (const { counter, total, expiresAt } of entries) {
      if (expiresAt > now && total > 0 && !this.cells.has(counter)) this.cell(counter, expiresAt).unsent = total;
    }
  }

  /** The counter's total as known now; a stale one is read again in the background. */
  total(counter: string, expiresAt: number): number {
    const cell = this.cells.get(counter);
    if (cell) this.touch(counter, cell);
    const now = this.options.now();
    if (this.options.shared && (!cell || now - cell.fetchedAt >= this.options.refreshMs)) this.refresh(counter, this.cell(counter, expiresAt));
    return cell ? cell.shared + cell.inFlight + cell.unsent : 0;
  }

  /** Reads the counters from the shared store now (the admin API's usage, a test), then answers them. */
  async read(counters: ReadonlyArray<{ counter: string; expiresAt: number }>): Promise<number[]> {
    const shared = this.options.shared;
    if (shared) {
      try {
        const totals = await shared.read(counters.map(({ counter }) => counter));
        counters.forEach(({ counter, expiresAt }, i) => {
          const cell = this.cell(counter, expiresAt);
          cell.shared = Math.max(cell.shared, totals[i]);
          cell.fetchedAt = this.options.now();
        });
      } catch (err) {
        this.options.onSharedFailure?.(err as Error);
      }
    }
    return counters.map(({ counter }) => {
      const cell = this.cells.get(counter);
      return cell ? cell.shared + cell.inFlight + cell.unsent : 0;
    });
  }

  /** Drops the counters `test` picks (a deleted key's): they no longer take room from the others'. */
  drop(test: (counter: string) => boolean): void {
    for (const counter of this.cells.keys()) if (test(counter)) this.cells.delete(counter);
  }

  private cell(counter: string, expiresAt: number): Cell {
    let cell = this.cells.get(counter);
    if (cell) {
      this.touch(counter, cell);
    } else {
      if (this.cells.size >= this.options.maxCells) this.evict();
      cell = { shared: 0, inFlight: 0, unsent: 0, fetchedAt: -Infinity, refreshing: false, expiresAt };
      this.cells.set(counter, cell);
    }
    return cell;
  }

  /** Moves the cell to the end of the map's order: the map's first cells are the least recently used. */
  private touch(counter: string, cell: Cell): void {
    this.cells.delete(counter);
    this.cells.set(counter, cell);
  }

  private flush(counter: string, cell: Cell): void {
    const shared = this.options.shared;
    if (!shared || cell.unsent <= 0) return;
    const amount = cell.unsent;
    cell.unsent = 0;
    cell.inFlight += amount;
    const ttlMs = Math.max(1_000, cell.expiresAt - this.options.now());
    shared.add(counter, amount, ttlMs).then(
      (total) => {
        cell.inFlight -= amount;
        cell.shared = Math.max(cell.shared, total);
        cell.fetchedAt = this.options.now();
      },
      (err: Error) => {
        cell.inFlight -= amount;
        cell.unsent += amount;
        this.options.onSharedFailure?.(err);
      },
    );
  }

  private refresh(counter: string, cell: Cell): void {
    const shared = this.options.shared;
    if (!shared || cell.refreshing) return;
    cell.refreshing = true;
    // Marked now: while the store does not answer, it is asked again once per refreshMs, not per request.
    cell.fetchedAt = this.options.now();
    shared.read([counter]).then(
      ([total]) => {
        cell.refreshing = false;
        cell.shared = Math.max(cell.shared, total);
        // Additions that failed while the store was away go now that it answers.
        this.flush(counter, cell);
      },
      (err: Error) => {
        cell.refreshing = false;
        this.options.onSharedFailure?.(err);
      },
    );
  }

  /**
   * Keeps the map bounded without resetting a budget: expired counters go first; then those of
   * ended periods (kept only for replicas with a skewed clock), least recently used first, down
   * to 90% so that the scan is not repeated for every new counter. A counter of a current period
   * goes only when nothing else is left (least recently used first); the service sizes `maxCells`
   * so that the current periods of all its keys always fit.
   */
  private evict(): void {
    const now = this.options.now();
    for (const [counter, cell] of this.cells) if (cell.expiresAt <= now) this.cells.delete(counter);
    if (this.cells.size < this.options.maxCells) return;
    const target = Math.floor(this.options.maxCells * 0.9);
    for (const [counter, cell] of this.cells) {
      if (this.cells.size <= target) return;
      if (cell.expiresAt - this.options.lingerMs <= now) this.cells.delete(counter);
    }
    if (this.cells.size >= this.options.maxCells) {
      const leastRecent = this.cells.keys().next();
      if (!leastRecent.done) this.cells.delete(leastRecent.value);
    }
  }
}
