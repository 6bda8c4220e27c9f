import { serverError, throttled, type Scenario, type SimEvent } from './scenarios';

/**
 * Chaos mode: each chat call fails at random with probability `probability`, with one of the
 * faults users of Kiro gateways report (kiro-protocol.md §3.3, §3.4, §8): a 429 or a 500 before
 * the stream, a connection cut mid-stream, a mid-stream exception frame, a slow first token.
 * Seeded, so a failing run can be replayed; `counts` tells a test what was injected.
 */
export const CHAOS_FAULTS = ['throttle', 'error500', 'cut', 'exception', 'slow'] as const;
export type ChaosFault = (typeof CHAOS_FAULTS)[number];

export interface ChaosOptions {
  /** The chance that one chat call fails, 0–1. */
  probability: number;
  seed: number;
  /** The faults to choose from, evenly (default: all). */
  faults?: readonly ChaosFault[];
  /** How long a slow first token keeps the stream silent after its 200; default 2000 ms. */
  slowFirstTokenMs?: number;
}

export type ChaosCounts = Record<ChaosFault, number> & { calls: number };

export class Chaos {
  private readonly random: () => number;
  private readonly faults: readonly ChaosFault[];
  readonly counts: ChaosCounts = { calls: 0, throttle: 0, error500: 0, cut: 0, exception: 0, slow: 0 };

  constructor(private readonly options: ChaosOptions) {
    this.random = mulberry32(options.seed);
    this.faults = options.faults?.length ? options.faults : CHAOS_FAULTS;
  }

  /** The scenario as played: unchanged, or broken by one fault. */
  apply(scenario: Scenario): Scenario {
    this.counts.calls++;
    // Three draws per call whatever happens, so one call's fault does not shift the next's.
    const [fails, which, where] = [this.random(), this.random(), this.random()];
    if (scenario.kind !== 'stream' || fails >= this.options.probability) return scenario;
    const fault = this.faults[Math.floor(which * this.faults.length)];
    this.counts[fault]++;
    // Somewhere in the answer, before its last frame: a fault at the very end would look like a clean end.
    const at = Math.floor(where * Math.max(1, scenario.events.length - 1));
    switch (fault) {
      case 'throttle':
        return throttled();
      case 'error500':
        return serverError();
      case 'cut':
        return { ...scenario, cutAfterFrames: at };
      case 'exception': {
        const exception: SimEvent = { type: 'exception', exceptionType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };
        return { ...scenario, events: [...scenario.events.slice(0, at), exception] };
      }
      case 'slow':
        return { ...scenario, firstByteDelayMs: this.options.slowFirstTokenMs ?? 2_000 };
    }
  }
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
