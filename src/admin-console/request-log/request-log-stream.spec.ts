import type Redis from 'ioredis';
import type { RequestLogEntry } from './request-log-entry';
import { sampleEntry } from './request-log-entry.fixture';
import { parseEntry, REQUEST_LOG_STREAM, RequestLogStream, type RequestLogStreamOptions } from './request-log-stream';

const entry = (entryId: string, instance: string): RequestLogEntry => sampleEntry({ requestId: `req-${entryId}`, entryId, instance });

/** A Redis holding one stream in memory, or failing every call. */
function fakeRedis() {
  const messages: Array<[string, string[]]> = [];
  const state = { failing: false, xadds: [] as unknown[][] };
  const redis = {
    pipeline() {
      const queued: unknown[][] = [];
      return {
        xadd(...args: unknown[]) {
          queued.push(args);
          return this;
        },
        async exec() {
          if (state.failing) throw new Error('Connection is closed.');
          for (const args of queued) {
            state.xadds.push(args);
            messages.push([`${messages.length + 1}-0`, args.slice(-2) as string[]]);
          }
          return queued.map(() => [null, 'id']);
        },
      };
    },
    async xread(_count: string, count: number, _streams: string, _key: string, lastId: string) {
      if (state.failing) throw new Error('Connection is closed.');
      const after = messages.filter(([id]) => Number(id.split('-')[0]) > Number(lastId.split('-')[0])).slice(0, count);
      return after.length ? [[REQUEST_LOG_STREAM, after]] : null;
    },
  } as unknown as Redis;
  return { redis, state, messages };
}

function options(instance: string, received: RequestLogEntry[], overrides: Partial<RequestLogStreamOptions> = {}): RequestLogStreamOptions {
  return { instance, maxLength: 1_000, publishEveryMs: 60_000, pollEveryMs: 60_000, maxOutbox: 3, readCount: 2, maxReadsPerPoll: 10, onEntries: (e) => received.push(...e), onError: () => undefined, ...overrides };
}

describe(RequestLogStream.name, () => {
  it("appends its own entries to the capped stream and reads only the others'", async () => {
    const { redis, state } = fakeRedis();
    const onA: RequestLogEntry[] = [];
    const onB: RequestLogEntry[] = [];
    const a = new RequestLogStream(redis, options('replica-a', onA));
    const b = new RequestLogStream(redis, options('replica-b', onB));

    a.publish(entry('1', 'replica-a'));
    a.publish(entry('2', 'replica-a'));
    b.publish(entry('3', 'replica-b'));
    await a.flush();
    await b.flush();
    await a.poll();
    await b.poll();
    await b.poll();

    expect(state.xadds[0].slice(0, 5)).toEqual([REQUEST_LOG_STREAM, 'MAXLEN', '~', 1_000, '*']);
    expect(onB.map((e) => e.entryId)).toEqual(['1', '2']);
    expect(onA.map((e) => e.entryId)).toEqual(['3']);
    expect(onB[0]).toEqual(entry('1', 'replica-a'));
  });

  it('while Redis fails, drops and counts what it cannot share, holding no more than its bound', async () => {
    const { redis, state } = fakeRedis();
    const errors: string[] = [];
    const stream = new RequestLogStream(redis, options('replica-a', [], { onError: (err) => errors.push(err.message) }));
    state.failing = true;

    for (let i = 0; i < 10; i++) stream.publish(entry(String(i), 'replica-a'));
    expect(stream.pending).toBe(3);
    await stream.flush();
    await stream.poll();

    expect(stream.pending).toBe(0);
    expect(stream.dropped).toBe(10);
    expect(errors).toEqual(['Connection is closed.', 'Connection is closed.']);
  });
});

describe('parseEntry', () => {
  it('takes an entry back from its message, only its fields, and skips anything else', () => {
    const message = ['e', JSON.stringify({ ...entry('1', 'a'), extra: 'ignored' })];

    expect(parseEntry(message)).toEqual(entry('1', 'a'));
    expect(parseEntry(['e', '{not json'])).toBeUndefined();
    expect(parseEntry(['e', JSON.stringify({ requestId: 'x' })])).toBeUndefined();
    expect(parseEntry(['other', 'x'])).toBeUndefined();
  });
});
