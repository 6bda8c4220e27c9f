import { type MonoTypeOperatorFunction, Observable, Subject } from 'rxjs';

/**
 * A point where a running stream can be failed from outside (shutdown): after `interrupt(error)`
 * the stream fails with `error` there, so that what follows (the renderer's failure path) ends
 * it like any other failure, and its source (Kiro's body) is unsubscribed.
 */
export class Interruption {
  private readonly interrupted$ = new Subject<never>();

  interrupt(error: unknown): void {
    this.interrupted$.error(error);
  }

  /** The stream as it is, until interrupted; it completes when its source does. */
  point<T>(): MonoTypeOperatorFunction<T> {
    return (source$) =>
      new Observable<T>((subscriber) => {
        const interruption = this.interrupted$.subscribe({ error: (error: unknown) => subscriber.error(error) });
        const source = source$.subscribe(subscriber);
        return () => {
          interruption.unsubscribe();
          source.unsubscribe();
        };
      });
  }
}
