import { Observable, OperatorFunction } from 'rxjs';
import type { KiroEvent } from '../../kiro';
import type { AssistantEvent } from './assistant-events';
import { AssistantEventAssembler, ResponseContext } from './assistant-event-assembler';

/** The shared middle of every front end's pipeline: Kiro events → assistant events. */
export function toAssistantEvents(context: ResponseContext): OperatorFunction<KiroEvent, AssistantEvent> {
  return (events$) =>
    new Observable<AssistantEvent>((subscriber) => {
      const assembler = new AssistantEventAssembler(context);
      const emit = (produce: () => AssistantEvent[]) => {
        try {
          for (const event of produce()) subscriber.next(event);
          return true;
        } catch (err) {
          subscriber.error(err);
          return false;
        }
      };
      return events$.subscribe({
        next: (event) => void emit(() => assembler.process(event)),
        error: (err) => subscriber.error(err),
        complete: () => {
          if (emit(() => assembler.finish())) subscriber.complete();
        },
      });
    });
}
