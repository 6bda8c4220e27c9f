/** Nearest-rank percentile of an unsorted sample (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/**
 * Runs `total` calls of `task` with at most `concurrency` in flight (closed loop: each worker
 * starts its next call when the previous one ends). Stops early after `maxErrors` failures.
 */
export async function runPool<T>(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
  maxErrors = 5,
): Promise<{ results: T[]; errors: string[]; maxInFlight: number }> {
  const results: T[] = [];
  const errors: string[] = [];
  let next = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const worker = async (): Promise<void> => {
    while (next < total && errors.length < maxErrors) {
      const index = next++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        results.push(await task(index));
      } catch (err) {
        errors.push((err as Error).message ?? String(err));
      } finally {
        inFlight--;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { results, errors, maxInFlight };
}
