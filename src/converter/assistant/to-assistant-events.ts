import { Observable, OperatorFunction } from 'rxjs';
import type { KiroEvent } from '../../kiro';
import type { AssistantEvent } from './assistant-events';
import { AssistantEventAssembler, AssistantContext } from './assistant-event-assembler';

/**
 * The shared middle of every front end's pipeline: Kiro events → assistant events, each tool
 * call passed on whole once complete (ToolCallAssembler), so its events are never interleaved.
 *
 * Deltas that arrive in the same tick (one network read often holds hundreds of small Kiro
 * frames) are merged into one before going on: the client sees the same text, in fewer, larger
 * deltas, and every later stage (chunk objects, serialisation, SSE writes, the client's parsing)
 * runs once per read instead of once per frame. Nothing waits for more: the merge ends with the
 * tick.
 */
export function toAssistantEvents(context: AssistantContext): OperatorFunction<KiroEvent, AssistantEvent> {
  return (events$) =>
    new Observable<AssistantEvent>((subscriber) => {
      const assembler = new AssistantEventAssembler(context);
      let pending: Delta | undefined;
      let flushScheduled = false;
      const flush = () => {
        flushScheduled = false;
        const event = pending;
        pending = undefined;
        if (event && !subscriber.closed) subscriber.next(event);
      };
      const push = (event: AssistantEvent) => {
        if (pending && pending.type === event.type && isDelta(event)) {
          pending = { type: pending.type, text: pending.text + event.text };
          return;
        }
        flush();
        if (isDelta(event)) {
          pending = event;
          if (!flushScheduled) {
            flushScheduled = true;
            queueMicrotask(flush);
          }
        } else {
          subscriber.next(event);
        }
      };
      const emit = (produce: () => AssistantEvent[]) => {
        try {
          for (const event of produce()) push(event);
          return true;
        } catch (err) {
          flush();
          subscriber.error(err);
          return false;
        }
      };
      return events$.subscribe({
        next: (event) => {
          if (!emit(() => assembler.process(event)) || !assembler.stopped) return;
          // A stop sequence ended the answer: finish now; completing unsubscribes, which aborts
          // the upstream request.
          if (emit(() => assembler.finish())) {
            flush();
            subscriber.complete();
          }
        },
        error: (err) => {
          flush();
          subscriber.error(err);
        },
        complete: () => {
          if (emit(() => assembler.finish())) {
            flush();
            subscriber.complete();
          }
        },
      });
    });
}

type Delta = Extract<AssistantEvent, { type: 'text' | 'reasoning' }>;

function isDelta(event: AssistantEvent): event is Delta {
  return event.type === 'text' || event.type === 'reasoning';
}
