import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestLogEntry } from './request-log-entry';
import { sampleEntry } from './request-log-entry.fixture';
import { WorkerRequestLogStore } from './worker-request-log-store';

const entry = (requestId: string, at: number): RequestLogEntry => sampleEntry({ requestId, at });

describe(WorkerRequestLogStore.name, () => {
  it('runs the SQLite store on its own thread, answering calls in the order sent', async () => {
    const store = new WorkerRequestLogStore(join(mkdtempSync(join(tmpdir(), 'request-log-worker-')), 'log.sqlite3'));
    await store.ready;
    const now = Date.now();

    const written = store.insert([entry('one', now), entry('two', now)]);
    const listed = store.list({ limit: 10 });

    await written;
    expect((await listed).map((e) => e.requestId)).toEqual(['two', 'one']);
    expect((await store.overview('hour', now)).totals.requests).toBe(2);
    expect(await store.get(1)).toMatchObject({ seq: 1, requestId: 'one' });
    await store.close();
  }, 30_000);

  it('keeps the process alive while it opens or answers, and not once idle', () => {
    // What shutdown relies on: its last batch is written before the process ends by itself.
    const script = `
      const { WorkerRequestLogStore } = require(${JSON.stringify(join(__dirname, 'worker-request-log-store.ts'))});
      const store = new WorkerRequestLogStore(':memory:');
      store.ready.then(() => store.insert([])).then(() => store.overview('hour', 0)).then((o) => console.log('answered', o.buckets.length));
    `;
    const output = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', '..', '..', 'tsconfig.json') } });

    expect(output.trim()).toBe('answered 60');
  }, 40_000);

  it('says why a database cannot be opened, and fails every call after', async () => {
    const notADirectory = join(mkdtempSync(join(tmpdir(), 'request-log-worker-')), 'file');
    writeFileSync(notADirectory, '');
    const store = new WorkerRequestLogStore(join(notADirectory, 'log.sqlite3'));

    await expect(store.ready).rejects.toThrow(/EEXIST: file already exists, mkdir/);
    await expect(store.list({ limit: 1 })).rejects.toThrow(/EEXIST: file already exists, mkdir/);
    await store.close();
  }, 30_000);
});
