import { Worker } from 'node:worker_threads';

/**
 * Decodes and parses JSON on a worker thread. For a large body made mostly of strings (images,
 * long text) JSON.parse and the UTF-8 decode are the costliest synchronous steps left (20 MB:
 * 40–120 ms), while handing the result back costs little (strings are copied, not parsed again).
 * The worker is started on first use and restarted if it dies; its source is inline, so it runs
 * the same from src/ under ts-node and from dist/.
 */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
const dropUnsafe = (key, value) => (UNSAFE.has(key) ? undefined : value);
parentPort.on('message', ({ id, bytes, start, unsafeKeys }) => {
  let reply;
  try {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start);
    reply = { id, value: JSON.parse(text, unsafeKeys ? dropUnsafe : undefined) };
  } catch {
    reply = { id, invalid: true };
  }
  parentPort.postMessage(reply);
});
`;

interface Reply {
  id: number;
  value?: unknown;
  invalid?: boolean;
}

export class JsonParseWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();

  /** The parsed value; rejects with `invalid` set when the text is not JSON. */
  parse(body: Buffer, start: number, unsafeKeys: boolean): Promise<unknown> {
    const worker = this.started();
    const id = this.nextId++;
    // Moved, not copied, when the bytes own their memory (large buffers do).
    const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : Buffer.from(body);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes: owned, start, unsafeKeys }, [owned.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!waiting) return;
      if (reply.invalid) waiting.reject(Object.assign(new Error('invalid JSON'), { invalid: true }));
      else waiting.resolve(reply.value);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const { reject } of this.pending.values()) reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('The JSON parse worker stopped')));
    this.worker = worker;
    return worker;
  }
}
