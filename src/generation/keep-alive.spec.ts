import { Subject } from 'rxjs';
import { keepAlive } from './keep-alive';

describe(keepAlive.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function watch(intervalMs: number, make: () => string | undefined = () => 'ping') {
    const source = new Subject<string>();
    const out: string[] = [];
    const subscription = source.pipe(keepAlive(intervalMs, make)).subscribe({ next: (event) => out.push(event), error: (err: Error) => out.push(`error: ${err.message}`) });
    return { source, out, subscription };
  }

  it('sends a keep-alive after the interval of silence, and again every interval while it lasts', () => {
    const { out } = watch(15_000);

    jest.advanceTimersByTime(14_999);
    expect(out).toStrictEqual([]);
    jest.advanceTimersByTime(1);
    expect(out).toStrictEqual(['ping']);
    jest.advanceTimersByTime(30_000);
    expect(out).toStrictEqual(['ping', 'ping', 'ping']);
  });

  it('counts the silence from the last event', () => {
    const { source, out } = watch(15_000);

    jest.advanceTimersByTime(10_000);
    source.next('text');
    jest.advanceTimersByTime(14_000);
    expect(out).toStrictEqual(['text']);
    jest.advanceTimersByTime(1_000);
    expect(out).toStrictEqual(['text', 'ping']);
  });

  it('sends none while events flow', () => {
    const { source, out } = watch(1_000);

    for (let i = 0; i < 20; i++) {
      jest.advanceTimersByTime(900);
      source.next(`e${i}`);
    }

    expect(out.filter((event) => event === 'ping')).toStrictEqual([]);
  });

  it('skips a tick whose keep-alive is undefined', () => {
    let due = false;
    const { out } = watch(1_000, () => (due ? 'ping' : undefined));

    jest.advanceTimersByTime(1_000);
    due = true;
    jest.advanceTimersByTime(1_000);

    expect(out).toStrictEqual(['ping']);
  });

  it('stops with the stream: no timer is left behind', () => {
    const { source, out } = watch(1_000);

    source.complete();
    jest.advanceTimersByTime(10_000);

    expect(out).toStrictEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops when unsubscribed', () => {
    const { subscription } = watch(1_000);

    subscription.unsubscribe();

    expect(jest.getTimerCount()).toBe(0);
  });

  it('makes a throwing keep-alive the stream error, not an uncaught exception', () => {
    const { out } = watch(1_000, () => {
      throw new Error('no keep-alive');
    });

    jest.advanceTimersByTime(1_000);

    expect(out).toStrictEqual(['error: no keep-alive']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('is off for an interval of 0', () => {
    const { out } = watch(0);

    jest.advanceTimersByTime(60_000);

    expect(out).toStrictEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
