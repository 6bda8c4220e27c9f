import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Observable, Subject } from 'rxjs';
import { FlowGate } from '../common/flow-gate';
import { KEEP_ALIVE_COMMENT, type SseFormat, writeSse } from './sse-writer';

/** The parts of a Node ServerResponse the writer uses; `write` reports a full socket on demand. */
class FakeResponse extends EventEmitter {
  statusCode = 0;
  readonly headers: Record<string, string> = {};
  readonly writes: string[] = [];
  writableEnded = false;
  destroyed = false;
  /** What write() answers: false = the socket buffer is full. */
  accepts = true;

  setHeader(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return this.accepts;
  }
  end(): this {
    this.writableEnded = true;
    return this;
  }
  asResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}

const FORMAT: SseFormat<string> = { event: (event) => `data: ${event}\n\n`, end: () => 'data: [DONE]\n\n' };
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(writeSse.name, () => {
  it('writes SSE headers, joins the events of one tick into one write, and ends with the terminator', async () => {
    const response = new FakeResponse();
    const events$ = new Subject<string>();

    writeSse(response.asResponse(), events$, { format: FORMAT });
    events$.next('a');
    events$.next('b');
    await tick();
    events$.next('c');
    events$.complete();
    await tick();

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    expect(response.writes).toEqual(['data: a\n\ndata: b\n\n', 'data: c\n\ndata: [DONE]\n\n']);
    expect(response.writableEnded).toBe(true);
  });

  it('closes the flow gate while the socket is full and opens it on drain', async () => {
    const response = new FakeResponse();
    const events$ = new Subject<string>();
    const flow = new FlowGate();
    writeSse(response.asResponse(), events$, { format: FORMAT, flow });

    response.accepts = false;
    events$.next('a');
    await tick();

    expect(flow.wait()).toBeDefined();
    response.accepts = true;
    response.emit('drain');
    expect(flow.wait()).toBeUndefined();
  });

  it('writes an SSE comment for a keep-alive', async () => {
    const response = new FakeResponse();
    const events$ = new Subject<string | typeof KEEP_ALIVE_COMMENT>();

    writeSse(response.asResponse(), events$, { format: FORMAT });
    events$.next(KEEP_ALIVE_COMMENT);
    await tick();

    expect(response.writes).toEqual([': keep-alive\n\n']);
  });

  it('calls onFirstEvent once, before the first event', async () => {
    const response = new FakeResponse();
    const events$ = new Subject<string>();
    const onFirstEvent = jest.fn();

    writeSse(response.asResponse(), events$, { format: FORMAT, onFirstEvent });
    events$.next('a');
    events$.next('b');

    expect(onFirstEvent).toHaveBeenCalledTimes(1);
  });

  it('unsubscribes, which aborts the upstream, when the client goes away', () => {
    const response = new FakeResponse();
    let unsubscribed = false;
    const events$ = new Observable<string>(() => () => (unsubscribed = true));

    writeSse(response.asResponse(), events$, { format: FORMAT });
    response.emit('close');

    expect(unsubscribed).toBe(true);
  });

  it('reports a format that throws as a defect and ends the response without a terminator, never throwing out of RxJS', async () => {
    const response = new FakeResponse();
    const events$ = new Subject<string>();
    const onDefect = jest.fn();
    const broken: SseFormat<string> = {
      event: (event) => {
        if (event === 'bad') throw new TypeError('Do not know how to serialize a BigInt');
        return `data: ${event}\n\n`;
      },
      end: () => 'data: [DONE]\n\n',
    };

    writeSse(response.asResponse(), events$, { format: broken, onDefect });
    events$.next('a');
    events$.next('bad');
    await tick();

    expect(onDefect).toHaveBeenCalledWith(new TypeError('Do not know how to serialize a BigInt'));
    expect(response.writes).toEqual(['data: a\n\n']);
    expect(response.writableEnded).toBe(true);
    expect(events$.observed).toBe(false);
  });
});
