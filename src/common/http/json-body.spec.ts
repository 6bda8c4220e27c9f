import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { InvalidRequestError, PayloadTooLargeError, RequestBoundError, UnsupportedMediaTypeError } from '../errors';
import { JsonShapeScanner, MAX_DISTINCT_KEYS, MAX_JSON_DEPTH, objectBody, parseJsonObject, readJsonBody } from './json-body';
import { JsonParseWorker } from './json-parse-worker';

const LIMITS = { bodyBytes: 1024 * 1024, inflateRatio: 50, elements: 1_000 };

/** A request with these headers and body bytes, as Node's HTTP server hands it over. */
function requestOf(body: Buffer, headers: Record<string, string> = {}): IncomingMessage {
  const stream = Readable.from([body]) as unknown as IncomingMessage;
  stream.headers = { 'content-length': String(body.length), ...headers };
  return stream;
}

/** Scans in the smallest slices there are, so every resumption point is crossed. */
function scanInSlices(text: string, maxElements = 1e9): number {
  const scanner = new JsonShapeScanner(Buffer.from(text), 0, maxElements);
  let slices = 1;
  while (!scanner.scan(-1)) slices++;
  return slices;
}

describe(readJsonBody.name, () => {
  it('parses a UTF-8 JSON object, with or without a byte order mark', async () => {
    const body = Buffer.from('{"model":"auto","text":"héllo"}');

    expect(await readJsonBody(requestOf(body), LIMITS)).toEqual({ model: 'auto', text: 'héllo' });
    expect(await readJsonBody(requestOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])), LIMITS)).toEqual({ model: 'auto', text: 'héllo' });
  });

  it('reads no body at all when there is none', async () => {
    expect(await readJsonBody(requestOf(Buffer.alloc(0), { 'content-length': '0' }), LIMITS)).toBeUndefined();
  });

  it('reads a chunked body (no Content-Length) within BODY_LIMIT', async () => {
    const chunked = (parts: string[]) => {
      const stream = Readable.from(parts.map((part) => Buffer.from(part))) as unknown as IncomingMessage;
      stream.headers = { 'transfer-encoding': 'chunked' };
      return stream;
    };

    expect(await readJsonBody(chunked(['{"a":', '[1,2]', '}']), LIMITS)).toEqual({ a: [1, 2] });
    await expect(readJsonBody(chunked(['{"a":"', 'x'.repeat(600_000), 'x'.repeat(600_000), '"}']), LIMITS)).rejects.toMatchObject({ status: 413 });
  });

  it('inflates gzip within the ratio', async () => {
    expect(await readJsonBody(requestOf(gzipSync('{"a":1}'), { 'content-encoding': 'gzip' }), LIMITS)).toEqual({ a: 1 });
  });

  it('refuses a body that inflates more than BODY_MAX_INFLATE_RATIO times its size', async () => {
    const bomb = gzipSync(`{"a":"${'x'.repeat(200_000)}"}`);

    await expect(readJsonBody(requestOf(bomb, { 'content-encoding': 'gzip' }), LIMITS)).rejects.toThrow(/BODY_MAX_INFLATE_RATIO/);
  });

  it('refuses a body that inflates beyond BODY_LIMIT', async () => {
    const big = gzipSync(`{"a":"${'x'.repeat(300_000)}"}`);

    await expect(readJsonBody(requestOf(big, { 'content-encoding': 'gzip' }), { ...LIMITS, bodyBytes: 100_000, inflateRatio: 10_000 })).rejects.toThrow(PayloadTooLargeError);
  });

  it('refuses a declared length over BODY_LIMIT with 413', async () => {
    await expect(readJsonBody(requestOf(Buffer.from('{}'), { 'content-length': '2000000' }), LIMITS)).rejects.toMatchObject({ status: 413, code: 'request_too_large' });
  });

  it.each(['br', 'zstd', 'gzip, gzip', 'compress'])('refuses Content-Encoding %s with 415', async (encoding) => {
    await expect(readJsonBody(requestOf(Buffer.from('{}'), { 'content-encoding': encoding }), LIMITS)).rejects.toMatchObject({ status: 415, code: 'unsupported_encoding' });
  });

  it.each(['application/json; charset=utf-16le', 'text/plain; charset="latin1"', 'application/json;charset=UTF-32'])('refuses %s with 415', async (type) => {
    await expect(readJsonBody(requestOf(Buffer.from('{}'), { 'content-type': type }), LIMITS)).rejects.toThrow(UnsupportedMediaTypeError);
  });

  it('takes UTF-8 whatever it is called', async () => {
    expect(await readJsonBody(requestOf(Buffer.from('{"a":1}'), { 'content-type': 'application/json; charset=UTF-8' }), LIMITS)).toEqual({ a: 1 });
  });
});

describe(parseJsonObject.name, () => {
  it('refuses what is not a JSON object', async () => {
    await expect(parseJsonObject(Buffer.from('[1]'), 10)).rejects.toMatchObject({ code: 'invalid_json' });
    await expect(parseJsonObject(Buffer.from('{"a":'), 10)).rejects.toMatchObject({ code: 'invalid_json' });
  });

  it('drops keys that reach the prototype chain, also when they are written with escapes', async () => {
    const parsed = await parseJsonObject(Buffer.from('{"__proto__":{"x":1},"\\u0063onstructor":2,"a":{"prototype":3,"b":4}}'), 100);

    expect(parsed).toEqual({ a: { b: 4 } });
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(false);
  });
});

describe(`${parseJsonObject.name} on the worker thread`, () => {
  const worker = new JsonParseWorker();
  afterAll(() => worker.close());

  it('parses a large body of few values there, with the same result and the same care for prototype keys', async () => {
    const big = { model: 'auto', text: 'é'.repeat(3 * 1024 * 1024), __proto__x: 1 };
    const body = Buffer.from(`{"__proto__":{"polluted":true},${JSON.stringify(big).slice(1)}`);

    const parsed = await parseJsonObject(Buffer.from(body), 100, worker);

    expect(parsed).toEqual(big);
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(false);
  });

  it('parses on this thread when the worker fails (not the JSON)', async () => {
    const broken = { parse: () => Promise.reject(new Error('The JSON parse worker stopped')) } as unknown as JsonParseWorker;

    expect(await parseJsonObject(Buffer.from(`{"a":"${'x'.repeat(5 * 1024 * 1024)}"}`), 100, broken)).toEqual({ a: 'x'.repeat(5 * 1024 * 1024) });
  });

  it('reports invalid JSON from there as a 400', async () => {
    await expect(parseJsonObject(Buffer.from(`{"a":"${'x'.repeat(5 * 1024 * 1024)}"`), 100, worker)).rejects.toMatchObject({ code: 'invalid_json' });
  });
});

describe(JsonShapeScanner.name, () => {
  it('allows MAX_JSON_DEPTH levels and refuses one more', () => {
    expect(() => scanInSlices('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => scanInSlices('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toThrow(InvalidRequestError);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(() => scanInSlices(`{"a":"${'[\\"'.repeat(500)}\\\\","b":"]]]"}`)).not.toThrow();
  });

  it('counts elements against MAX_JSON_ELEMENTS', () => {
    expect(() => scanInSlices(`[${'1,'.repeat(99)}1]`, 101)).not.toThrow();
    expect(() => scanInSlices(`[${'1,'.repeat(200)}1]`, 101)).toThrow(RequestBoundError);
  });

  it('bounds distinct object keys, not keys used again', () => {
    const repeated = `[${Array.from({ length: MAX_DISTINCT_KEYS + 10 }, () => '{"k":1}').join(',')}]`;
    const distinct = `[${Array.from({ length: MAX_DISTINCT_KEYS + 1 }, (_, i) => `{"k${i}":1}`).join(',')}]`;

    expect(() => scanInSlices(repeated)).not.toThrow();
    expect(() => scanInSlices(distinct)).toThrow(/distinct object keys/);
  });

  it('crosses strings the same whether it counts escapes (bodies over 4 MB) or goes quote to quote', () => {
    const tricky = [
      `{"a":"${'[\\"'.repeat(50)}\\\\","b":"]]]","c":["\\\\\\"]"]}`,
      '{"x":"\\\\\\\\","y":[1,2,{"z":"\\u005f_proto__"}],"\\u005f_proto__":1}',
      '{"k":"\\"","l":"\\\\"}',
    ];
    const pad = 'p'.repeat(4 * 1024 * 1024 + 1);
    for (const text of tricky) {
      expect(() => JSON.parse(text)).not.toThrow();
      const quick = new JsonShapeScanner(Buffer.from(text), 0, 1e9);
      const counting = new JsonShapeScanner(Buffer.from(`[${text},"${pad}"]`), 0, 1e9);
      while (!quick.scan(1000));
      while (!counting.scan(1000));
      expect({ elements: quick.elementCount + 2, unsafe: quick.unsafeKeys }).toEqual({ elements: counting.elementCount, unsafe: counting.unsafeKeys });
    }
  });

  it('looks at the clock while crossing a string of escaped quotes quote by quote', () => {
    const text = `{"a":"${'\\"'.repeat(1_000_000)}"}`;
    expect(text.length).toBeLessThan(4 * 1024 * 1024);
    expect(scanInSlices(text)).toBeGreaterThan(10);
  });

  it('bounds escape sequences', () => {
    expect(() => scanInSlices(JSON.stringify({ a: '\n'.repeat(2_000_001) }))).toThrow(/escape sequences/);
  });

  it('resumes anywhere: the same verdicts when scanned in many slices', () => {
    const text = JSON.stringify({ a: ['x"y\\z', { b: '\\"'.repeat(5_000) }, 'q'.repeat(300_000)], c: '\n\t'.repeat(2_000) });

    expect(scanInSlices(text)).toBeGreaterThan(1);
    expect(() => scanInSlices(text)).not.toThrow();
  });
});

describe(objectBody.name, () => {
  it('hands back a JSON object, and answers anything else (no body, an array, a string) with a 400', () => {
    const body = { name: 'a' };

    expect(objectBody(body)).toBe(body);
    for (const other of [undefined, null, [], 'x', 1]) expect(() => objectBody(other)).toThrow(new InvalidRequestError('The body must be a JSON object'));
  });
});
