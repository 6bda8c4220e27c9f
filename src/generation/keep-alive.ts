import { Observable, type OperatorFunction } from 'rxjs';

/**
 * Keeps an idle stream open: after `intervalMs` without an event, emits what `make()` gives (none
 * when it gives undefined), and again every `intervalMs` while the silence lasts. Streams go quiet while Kiro thinks or while a tool
 * call is held back until it is whole (a long Write sends nothing for tens of seconds), and
 * nginx, Cloudflare and clients cut connections idle for a minute or less. `intervalMs` 0: off.
 *
 * One timer per stream, re-armed only when it fires: events only note the time.
 */
export function keepAlive<T, K>(intervalMs: number, make: () => K | undefined, now: () => number = Date.now): OperatorFunction<T, T | K> {
  if (intervalMs <= 0) return (source$) => source$;
  return (source$) =>
    new Observable<T | K>((subscriber) => {
      let lastEventAt = now();
      let timer: NodeJS.Timeout | undefined;
      const arm = (delayMs: number) => {
        timer = setTimeout(tick, delayMs);
      };
      const tick = () => {
        const idleMs = now() - lastEventAt;
        if (idleMs >= intervalMs) {
          lastEventAt = now();
          // A timer callback: a throw here would be an uncaught exception, so it is the stream's error.
          try {
            const event = make();
            if (event !== undefined) subscriber.next(event);
          } catch (err) {
            subscriber.error(err);
          }
          if (subscriber.closed) return;
          arm(intervalMs);
        } else {
          arm(intervalMs - idleMs);
        }
      };
      arm(intervalMs);
      const subscription = source$.subscribe({
        next: (event) => {
          lastEventAt = now();
          subscriber.next(event);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        clearTimeout(timer);
        subscription.unsubscribe();
      };
    });
}
