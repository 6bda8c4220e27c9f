import { AuthFailureThrottle } from './auth-failure-throttle';

describe(AuthFailureThrottle.name, () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('lets an address try until it reaches the limit, then makes it wait 1 s', () => {
    const throttle = new AuthFailureThrottle(3, clock);
    throttle.recordFailure('a');
    throttle.recordFailure('a');

    expect(throttle.retryAfterSeconds('a')).toBeUndefined();
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(1);
    expect(throttle.retryAfterSeconds('b')).toBeUndefined();
  });

  it('doubles the wait with every further failure, up to 15 minutes', () => {
    const throttle = new AuthFailureThrottle(1, clock);
    const waits: Array<number | undefined> = [];
    for (let i = 0; i < 14; i++) {
      throttle.recordFailure('a');
      waits.push(throttle.retryAfterSeconds('a'));
    }

    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]);
  });

  it('forgets an address after a success, and failures older than 15 minutes', () => {
    const throttle = new AuthFailureThrottle(2, clock);
    throttle.recordFailure('a');
    throttle.recordSuccess('a');
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBeUndefined();

    now += 16 * 60 * 1000;
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBeUndefined();
  });

  it('does nothing with a limit of 0', () => {
    const throttle = new AuthFailureThrottle(0, clock);
    for (let i = 0; i < 100; i++) throttle.recordFailure('a');

    expect(throttle.retryAfterSeconds('a')).toBeUndefined();
  });
});
