import { MAX_RETRY_WAIT_MS, retryDelayMs } from './retry-backoff';

describe(retryDelayMs.name, () => {
  it('doubles from the base delay, with at most a quarter of jitter', () => {
    for (const [index, base] of [[0, 100], [1, 200], [3, 800]] as const) {
      const wait = retryDelayMs(100, index, undefined)!;
      expect(wait).toBeGreaterThanOrEqual(base);
      expect(wait).toBeLessThanOrEqual(base * 1.25);
    }
  });

  it("takes Kiro's Retry-After as it is, and gives up on one longer than the caller can wait", () => {
    expect(retryDelayMs(100, 0, 7)).toBe(7_000);
    expect(retryDelayMs(100, 0, 31)).toBeUndefined();
    expect(retryDelayMs(100, 0, 2, 1_500)).toBeUndefined();
  });

  it('caps the backoff at MAX_RETRY_WAIT_MS, and gives up when even that is more than the caller has left', () => {
    expect(retryDelayMs(1_000, 20, undefined)).toBe(MAX_RETRY_WAIT_MS);
    expect(retryDelayMs(1_000, 3, undefined, 5_000)).toBeUndefined();
  });
});
