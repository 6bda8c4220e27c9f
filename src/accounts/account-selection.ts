/**
 * Which account serves the next request: priority tiers first (the lowest `priority` with an
 * account that can take it), then the strategy within the tier. Pure and O(accounts).
 */

export type SelectionStrategy = 'priority' | 'round_robin' | 'least_used';
export const SELECTION_STRATEGIES: readonly SelectionStrategy[] = ['priority', 'round_robin', 'least_used'];

export interface SelectionCandidate {
  readonly name: string;
  readonly priority: number;
  readonly weight: number;
  /** Requests this account serves right now (here and, approximately, on other replicas). */
  readonly inFlight: number;
  /** Recent requests, decayed over time (least_used). */
  readonly recentUse: number;
}

/** Smooth weighted round robin (nginx's), per account: the state between picks. */
export class RoundRobinState {
  private readonly current = new Map<string, number>();

  pick<T extends SelectionCandidate>(tier: readonly T[]): T {
    let total = 0;
    let best: T | undefined;
    let bestValue = -Infinity;
    for (const candidate of tier) {
      const value = (this.current.get(candidate.name) ?? 0) + candidate.weight;
      this.current.set(candidate.name, value);
      total += candidate.weight;
      if (value > bestValue) {
        bestValue = value;
        best = candidate;
      }
    }
    const chosen = best as T;
    this.current.set(chosen.name, bestValue - total);
    return chosen;
  }

  forget(name: string): void {
    this.current.delete(name);
  }
}

/**
 * The account for the next request among those able to take it (healthy, with room, serving the
 * model), or undefined when there is none.
 */
export function selectAccount<T extends SelectionCandidate>(candidates: readonly T[], strategy: SelectionStrategy, rr: RoundRobinState): T | undefined {
  if (candidates.length === 0) return undefined;
  let tierPriority = Infinity;
  for (const candidate of candidates) tierPriority = Math.min(tierPriority, candidate.priority);
  const tier = candidates.filter((candidate) => candidate.priority === tierPriority);
  switch (strategy) {
    case 'priority':
      // Fill-first: the first account of the tier (file order) until it is full.
      return tier[0];
    case 'round_robin':
      return rr.pick(tier);
    case 'least_used': {
      let best = tier[0];
      let bestScore = score(best);
      for (const candidate of tier) {
        const s = score(candidate);
        if (s < bestScore) {
          best = candidate;
          bestScore = s;
        }
      }
      return best;
    }
  }
}

const score = (candidate: SelectionCandidate): number => (candidate.inFlight + candidate.recentUse) / candidate.weight;

/**
 * Recent use with exponential decay (half-life `halfLifeMs`): "least used" means lately, not in a
 * lifetime, so a new account is not hammered until it has caught up with old ones (ZZ #62).
 */
export class DecayingCounter {
  private value = 0;
  private at = 0;

  constructor(
    private readonly halfLifeMs: number,
    initial = 0,
    now = 0,
  ) {
    this.value = initial;
    this.at = now;
  }

  add(now: number, amount = 1): void {
    this.value = this.read(now) + amount;
    this.at = now;
  }

  read(now: number): number {
    const elapsed = now - this.at;
    return elapsed <= 0 ? this.value : this.value * 0.5 ** (elapsed / this.halfLifeMs);
  }
}
