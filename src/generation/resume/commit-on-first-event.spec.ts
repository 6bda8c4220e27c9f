import { concat, lastValueFrom, NEVER, of, Subject, throwError, toArray } from 'rxjs';
import { commitOnFirstEvent } from './commit-on-first-event';

describe(commitOnFirstEvent.name, () => {
  it('resolves at the first event and replays it with the rest', async () => {
    const source = new Subject<number>();
    const committed = commitOnFirstEvent(source);
    let resolved = false;
    void committed.then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(false);

    source.next(1);
    const events$ = await committed;
    const all = lastValueFrom(events$.pipe(toArray()));
    source.next(2);
    source.complete();

    expect(await all).toStrictEqual([1, 2]);
  });

  it('rejects with a failure that came before any event', async () => {
    const failure = new Error('before the first event');

    await expect(commitOnFirstEvent(throwError(() => failure))).rejects.toBe(failure);
  });

  it('keeps a failure after the first event for the reader', async () => {
    const failure = new Error('after the first event');
    const events$ = await commitOnFirstEvent(concat(of(1), throwError(() => failure)));

    await expect(lastValueFrom(events$.pipe(toArray()))).rejects.toBe(failure);
  });

  it('unsubscribes the source when the reader does', async () => {
    let unsubscribed = false;
    const source = new Subject<number>();
    const committed = commitOnFirstEvent(concat(source, NEVER));
    source.next(1);
    const events$ = await committed;
    const subscription = events$.subscribe();
    subscription.add(() => (unsubscribed = true));
    subscription.unsubscribe();

    expect(unsubscribed).toBe(true);
    expect(source.observed).toBe(false);
  });
});
