import { Observable, OperatorFunction } from 'rxjs';
import { FrameDecoder } from './frame-decoder';
import { KiroEvent, toKiroEvent } from './kiro-events';

/** Upstream bytes → typed Kiro events. Errors (corrupt or truncated frames) end the stream. */
export function decodeEventStream(): OperatorFunction<Uint8Array, KiroEvent> {
  return (bytes$) =>
    new Observable<KiroEvent>((subscriber) => {
      const decoder = new FrameDecoder();
      return bytes$.subscribe({
        next(chunk) {
          let frames;
          try {
            frames = decoder.push(chunk);
            for (const frame of frames) subscriber.next(toKiroEvent(frame));
          } catch (err) {
            subscriber.error(err);
          }
        },
        error(err) {
          subscriber.error(err);
        },
        complete() {
          try {
            decoder.finish();
            subscriber.complete();
          } catch (err) {
            subscriber.error(err);
          }
        },
      });
    });
}
