import { EventEmitter } from 'node:events';
import type { FastifyReply } from 'fastify';
import { Subject } from 'rxjs';
import { type GatewayError, ShuttingDownError } from '../common/errors';
import { FlowGate } from '../common/flow-gate';
import { RequestContext } from '../common/request-context';
import type { ActiveStream, ActiveStreams } from './active-streams';
import type { ApiFamily, FamilyConversion } from './api-family';
import type { GenerationPipeline, GenerationReply, GenerationStream } from './generation-pipeline';
import { KIRO_MODEL_HEADER, ReplyWriter } from './reply-writer';

class FakeResponse extends EventEmitter {
  statusCode = 0;
  readonly headers: Record<string, string> = {};
  readonly writes: string[] = [];
  body: unknown;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  setHeader(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }
  end(): this {
    this.writableEnded = true;
    return this;
  }
}

/** Fastify's reply around the raw response: a JSON body is sent through it, a stream written past it. */
class FakeReply {
  hijacked = false;
  readonly request = { is404: false, routeOptions: { url: '/v1/chat/completions' } };
  constructor(readonly raw: FakeResponse) {}
  status(code: number): this {
    this.raw.statusCode = code;
    return this;
  }
  header(name: string, value: string): this {
    this.raw.setHeader(name, value);
    return this;
  }
  send(body: unknown): this {
    this.raw.body = body;
    this.raw.writableEnded = true;
    return this;
  }
  hijack(): this {
    this.hijacked = true;
    return this;
  }
}

/** The pipeline's two entry points, scripted by each test. */
class FakePipeline {
  stream: (signal: AbortSignal) => Promise<GenerationStream<string>> = async () => {
    throw new Error('not scripted');
  };
  complete: () => Promise<GenerationReply<unknown>> = async () => ({ body: { answer: 42 }, kiroModel: 'claude-sonnet-4.5' });
}

class FakeActiveStreams {
  readonly starting = new Set<ActiveStream>();
  readonly running = new Set<ActiveStream>();
  readonly firstEvents: unknown[][] = [];
  addStarting(stream: ActiveStream): () => void {
    this.starting.add(stream);
    return () => this.starting.delete(stream);
  }
  add(stream: ActiveStream): () => void {
    this.running.add(stream);
    return () => this.running.delete(stream);
  }
  firstEvent(...args: unknown[]): void {
    this.firstEvents.push(args);
  }
}

const FAMILY = { sseFormat: () => ({ event: (event: string) => `data: ${event}\n\n` }) } as unknown as ApiFamily<{ model: string; stream?: boolean }, FamilyConversion, string, unknown>;

function setup() {
  const pipeline = new FakePipeline();
  const streams = new FakeActiveStreams();
  const writer = new ReplyWriter(
    {
      stream: (_family: unknown, _request: unknown, _context: unknown, signal: AbortSignal) => pipeline.stream(signal),
      complete: () => pipeline.complete(),
    } as unknown as GenerationPipeline,
    streams as unknown as ActiveStreams,
  );
  const response = new FakeResponse();
  const reply = new FakeReply(response);
  const context = new RequestContext('req-1', process.hrtime.bigint(), undefined);
  const send = (request: { model: string; stream?: boolean }) => writer.send(reply as unknown as FastifyReply, context, FAMILY, request);
  return { pipeline, streams, response, reply, context, send };
}

function started(events$: Subject<string>, cut: (error: GatewayError) => void = () => undefined): GenerationStream<string> {
  return { events$, flow: new FlowGate(), kiroModel: 'claude-sonnet-4.5', cut };
}

describe(ReplyWriter.name, () => {
  it('answers a non-stream request with one JSON body and the model that answered', async () => {
    const { response, reply, context, send } = setup();

    await send({ model: 'gpt-4o', stream: false });

    expect(reply.hijacked).toBe(false);
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ answer: 42 });
    expect(response.headers[KIRO_MODEL_HEADER]).toBe('claude-sonnet-4.5');
    expect(context.generation).toEqual({ model: 'gpt-4o', stream: false });
  });

  it('waits for Kiro as a starting stream, then writes the stream as a running one', async () => {
    const { pipeline, streams, response, reply, context, send } = setup();
    const events$ = new Subject<string>();
    let startingWhileWaiting = 0;
    pipeline.stream = async () => {
      startingWhileWaiting = streams.starting.size;
      return started(events$);
    };

    await send({ model: 'auto', stream: true });
    events$.next('hello');
    await new Promise((resolve) => setImmediate(resolve));

    expect(startingWhileWaiting).toBe(1);
    // Written past Fastify, which is told so.
    expect(reply.hijacked).toBe(true);
    expect(streams.starting.size).toBe(0);
    expect(streams.running.size).toBe(1);
    expect(response.headers[KIRO_MODEL_HEADER]).toBe('claude-sonnet-4.5');
    expect(response.writes).toEqual(['data: hello\n\n']);
    expect(streams.firstEvents).toEqual([['/v1/chat/completions', 'auto', context.startedAt]]);
    events$.complete();
    expect(streams.running.size).toBe(0);
  });

  it('refuses a stream still waiting for Kiro at shutdown with a 503 ShuttingDownError', async () => {
    const { pipeline, streams, reply, send } = setup();
    pipeline.stream = (signal) =>
      new Promise((_, reject) => {
        signal.addEventListener('abort', () => reject(new Error('aborted')));
        for (const stream of streams.starting) stream.terminate('The gateway is shutting down; try the request again.');
      });

    await expect(send({ model: 'auto', stream: true })).rejects.toEqual(new ShuttingDownError('The gateway is shutting down; try the request again.'));
    // Still Fastify's to answer: the exception filter sends the 503.
    expect(reply.hijacked).toBe(false);
  });

  it("cuts a running stream at shutdown through the pipeline's failure path", async () => {
    const { pipeline, streams, send } = setup();
    const cut = jest.fn();
    pipeline.stream = async () => started(new Subject<string>(), cut);

    await send({ model: 'auto', stream: true });
    for (const stream of streams.running) stream.terminate('The gateway is shutting down; the response was cut short.');

    expect(cut).toHaveBeenCalledWith(new ShuttingDownError('The gateway is shutting down; the response was cut short.'));
  });

  it('aborts the wait for Kiro when the client goes away first', async () => {
    const { pipeline, response, send } = setup();
    let startSignal: AbortSignal | undefined;
    pipeline.stream = (signal) => {
      startSignal = signal;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('client gone'))));
    };

    const sending = send({ model: 'auto', stream: true });
    response.emit('close');

    await expect(sending).rejects.toThrow('client gone');
    expect(startSignal?.aborted).toBe(true);
  });
});
