import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { KiroEvent } from './kiro-events';

/** What the model said: the events that make up an answer, as opposed to usage, metering or metadata. */
export function isContentEvent(event: KiroEvent): boolean {
  return event.kind === 'text' || event.kind === 'reasoning' || event.kind === 'toolUse';
}

/**
 * Errors with `silence()` when no content event (text, reasoning, the start of a tool call) comes
 * within `ms` of subscribing. Kiro's first bytes are not always content: a stream that sent a
 * metadata or usage frame and then went quiet would otherwise wait out the whole read timeout
 * before anyone asked again. Once content has come the timer is gone; a stream that ends without
 * any (an empty answer) ends normally.
 */
export function firstContentWithin(ms: number, silence: () => Error): MonoTypeOperatorFunction<KiroEvent> {
  return (events$) =>
    new Observable<KiroEvent>((subscriber) => {
      let timer: NodeJS.Timeout | undefined = setTimeout(() => {
        timer = undefined;
        subscriber.error(silence());
      }, ms);
      const stop = () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
      };
      const subscription = events$.subscribe({
        next(event) {
          if (timer && isContentEvent(event)) stop();
          subscriber.next(event);
        },
        error(err) {
          stop();
          subscriber.error(err);
        },
        complete() {
          stop();
          subscriber.complete();
        },
      });
      return () => {
        stop();
        subscription.unsubscribe();
      };
    });
}
