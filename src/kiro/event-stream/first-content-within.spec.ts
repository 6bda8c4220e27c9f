import { Subject } from 'rxjs';
import { firstContentWithin } from './first-content-within';
import type { KiroEvent } from './kiro-events';

describe(firstContentWithin.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function watch() {
    const source = new Subject<KiroEvent>();
    const seen: KiroEvent[] = [];
    const outcome: { error?: Error; complete?: boolean } = {};
    const subscription = source.pipe(firstContentWithin(1000, () => new Error('silent'))).subscribe({
      next: (event) => seen.push(event),
      error: (error: Error) => (outcome.error = error),
      complete: () => (outcome.complete = true),
    });
    return { source, seen, outcome, subscription };
  }

  it('fails a stream that sends only non-content events within the window', () => {
    const { source, seen, outcome } = watch();
    source.next({ kind: 'metadata', stopReason: undefined });
    source.next({ kind: 'contextUsage', percentage: 1 });

    jest.advanceTimersByTime(999);
    expect(outcome.error).toBeUndefined();
    jest.advanceTimersByTime(1);

    expect(outcome.error?.message).toBe('silent');
    expect(seen.map((e) => e.kind)).toEqual(['metadata', 'contextUsage']);
    expect(source.observed).toBe(false);
  });

  it.each<KiroEvent>([
    { kind: 'text', text: 'Hi' },
    { kind: 'reasoning', text: 'hmm' },
    { kind: 'toolUse', toolUseId: 't', name: 'Bash', input: '{"comm', stop: false },
  ])('stops timing at the first content event ($kind), however long the rest takes', (content) => {
    const { source, outcome } = watch();
    jest.advanceTimersByTime(900);
    source.next(content);
    jest.advanceTimersByTime(10_000);

    expect(outcome.error).toBeUndefined();
    source.complete();
    expect(outcome.complete).toBe(true);
  });

  it('lets an answer without content end normally, and leaves no timer behind', () => {
    const { source, outcome } = watch();
    source.next({ kind: 'metering', credits: 0.01 });
    source.complete();

    expect(outcome.complete).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('clears the timer when the subscriber leaves or the source fails', () => {
    const left = watch();
    left.subscription.unsubscribe();
    expect(jest.getTimerCount()).toBe(0);

    const failed = watch();
    failed.source.error(new Error('cut'));
    expect(failed.outcome.error?.message).toBe('cut');
    expect(jest.getTimerCount()).toBe(0);
  });
});
