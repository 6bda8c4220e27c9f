import { Observable, type Subscriber } from 'rxjs';

/**
 * Subscribes to `source$` now and resolves with it once its first event has come (late commit:
 * the response's headers go out only then). An error before that rejects, so it still gets a
 * real HTTP status. The events that came meanwhile (one tick's worth: the caller subscribes as
 * soon as this resolves) are replayed first; unsubscribing the result unsubscribes the source.
 */
export function commitOnFirstEvent<T>(source$: Observable<T>): Promise<Observable<T>> {
  return new Promise<Observable<T>>((resolve, reject) => {
    const early: T[] = [];
    let sink: Subscriber<T> | undefined;
    let settled = false;
    let ended: { error: unknown } | 'complete' | undefined;
    const committed$ = new Observable<T>((subscriber) => {
      if (sink) {
        subscriber.error(new Error('A committed stream is read once'));
        return;
      }
      sink = subscriber;
      for (const event of early.splice(0)) subscriber.next(event);
      if (ended === 'complete') subscriber.complete();
      else if (ended) subscriber.error(ended.error);
      return () => subscription.unsubscribe();
    });
    const commit = () => {
      if (settled) return;
      settled = true;
      resolve(committed$);
    };
    const subscription = source$.subscribe({
      next: (event) => {
        if (sink) return sink.next(event);
        early.push(event);
        commit();
      },
      error: (error: unknown) => {
        if (!settled) {
          settled = true;
          return reject(error);
        }
        if (sink) sink.error(error);
        else ended = { error };
      },
      complete: () => {
        commit();
        if (sink) sink.complete();
        else ended = 'complete';
      },
    });
  });
}
