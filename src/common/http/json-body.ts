import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { setImmediate } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { InvalidRequestError, PayloadTooLargeError, RequestBoundError, UnsupportedMediaTypeError } from '../errors';
import { isJsonObject, type JsonObject } from '../json';
import type { JsonParseWorker } from './json-parse-worker';
import { UNSAFE_KEYS } from './shallow-validation';

export interface JsonBodyLimits {
  /** Largest body, once decompressed (BODY_LIMIT). */
  bodyBytes: number;
  /** A compressed body may inflate at most this many times its size (BODY_MAX_INFLATE_RATIO). */
  inflateRatio: number;
  /** Values in arrays and members of objects, over the whole body (MAX_JSON_ELEMENTS). */
  elements: number;
}

/** Real requests nest a few dozen levels at most; deeper ones only overflow the stack downstream. */
export const MAX_JSON_DEPTH = 128;

type Decompress = (buffer: InputType, options: ZlibOptions) => Promise<Buffer>;
/** The encodings HTTP clients compress request bodies with; zlib runs them off the event loop. */
const DECOMPRESSORS: ReadonlyMap<string, Decompress> = new Map([
  ['gzip', promisify(gunzip)],
  ['x-gzip', promisify(gunzip)],
  ['deflate', promisify(inflate)],
]);

/**
 * Reads a request's JSON body within bounds, for routes whose caller is already authenticated:
 * the declared and the read size against BODY_LIMIT, the inflated size against BODY_LIMIT and the
 * compression ratio, UTF-8 only (the depth and size scan reads bytes, so another charset would slip
 * past it), then depth and element count before `JSON.parse` sees a byte. `undefined` when there
 * is no body.
 */
export async function readJsonBody(request: IncomingMessage, limits: JsonBodyLimits, worker?: JsonParseWorker): Promise<JsonObject | undefined> {
  if (!hasBody(request)) return undefined;
  const decompress = decompressorFor(request.headers['content-encoding']);
  checkCharset(request.headers['content-type']);
  const raw = await readBytes(request, limits.bodyBytes);
  const body = decompress ? await inflateBounded(raw, decompress, limits) : raw;
  return parseJsonObject(body, limits.elements, worker);
}

/** Bodies this large, made mostly of strings, are decoded and parsed on the worker thread. */
const WORKER_MIN_BYTES = 4 * 1024 * 1024;
const WORKER_MAX_ELEMENTS = 20_000;

/**
 * Parses a UTF-8 JSON object after checking its depth and size on the bytes. Large bodies of few
 * values (images, long text) are parsed on `worker`, when there is one: handing strings back
 * costs a copy, while parsing them here held the event loop for up to a hundred milliseconds.
 */
export async function parseJsonObject(body: Buffer, maxElements: number, worker?: JsonParseWorker): Promise<JsonObject | undefined> {
  const start = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0; // UTF-8 byte order mark
  const scanner = new JsonShapeScanner(body, start, maxElements);
  // In slices, yielding between them: the scan of a 20 MB body must not hold the event loop.
  while (!scanner.scan(SCAN_SLICE_MS)) await setImmediate();
  if (scanner.empty) return undefined;
  const onWorker = worker !== undefined && body.length >= WORKER_MIN_BYTES && scanner.elementCount <= WORKER_MAX_ELEMENTS;
  let value: unknown;
  try {
    value = onWorker ? await worker.parse(Buffer.from(body), start, scanner.unsafeKeys) : parseHere(body, start, scanner.unsafeKeys);
  } catch (err) {
    // A worker that failed (not the JSON) leaves the parse to this thread.
    if (!onWorker || (err as { invalid?: boolean }).invalid) throw invalidJson();
    try {
      value = parseHere(body, start, scanner.unsafeKeys);
    } catch {
      throw invalidJson();
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError('The request body must be a JSON object.', null, 'invalid_json');
  }
  return value as JsonObject;
}

const SCAN_SLICE_MS = 4;

/** An admin route's body as a JSON object, or a 400: the body reader leaves a missing body undefined. */
export function objectBody(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw new InvalidRequestError('The body must be a JSON object');
  return body;
}

function parseHere(body: Buffer, start: number, unsafeKeys: boolean): unknown {
  return JSON.parse(body.toString('utf8', start), unsafeKeys ? dropUnsafeKeys : undefined);
}

function invalidJson(): InvalidRequestError {
  return new InvalidRequestError('We could not parse the JSON body of your request. Send valid JSON with Content-Type: application/json.', null, 'invalid_json');
}

/** JSON.parse reviver for bodies holding a key that would reach the prototype chain when assigned. */
function dropUnsafeKeys(key: string, value: unknown): unknown {
  return UNSAFE_KEYS.has(key) ? undefined : value;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
/** Loop turns between two looks at the clock. */
const TURNS_PER_CHECK = 16_384;
/** Escapes closer together than this are read byte by byte: one indexOf each would cost more. */
const DENSE_ESCAPE_GAP = 16;
/** Bytes one byte-by-byte walk reads before the clock is looked at again. */
const WALK_BYTES = 256 * 1024;

/** The key hash's secret seed, drawn once per process (drawing it per request cost 30 µs each). */
const KEY_HASH_SEED = randomBytes(4).readUInt32LE(0);

/**
 * What JSON.parse pays for beyond bytes: each distinct property name costs about a microsecond
 * (19,000 one-key objects with distinct keys, 18 ms; 99,000 sharing one key, 11 ms), and an escape
 * about three times a plain byte.
 */
export const MAX_DISTINCT_KEYS = 20_000;
export const MAX_KEY_BYTES = 1024 * 1024;
export const MAX_ESCAPES = 2_000_000;

/**
 * Depth, element count, object keys and escapes of a JSON body, checked on its bytes before
 * `JSON.parse` sees it, in slices of bounded time. Strings are crossed with `indexOf` (native,
 * memchr speed), or byte by byte where escapes are dense. Elements are array values and object
 * members, counted by their separators and openers: they bound what parsing allocates, which
 * bytes alone do not (20 MB of `1,` is ten million numbers).
 */
export class JsonShapeScanner {
  private at: number;
  /** Set while inside a string: where it opened. */
  private stringOpen = -1;
  private depth = 0;
  private elements = 0;
  private escapes = 0;
  /** The next backslash at or after the scan position (cached: the scan only moves forward). */
  private nextBackslash = -1;
  private keyBytes = 0;
  /** Keys are remembered by a keyed hash: no string is built per key, and collisions cannot be aimed. */
  private readonly keys = new Set<number>();
  private readonly seed = KEY_HASH_SEED;
  /** Whether a key is `__proto__`, `constructor` or `prototype` (also when written with escapes). */
  unsafeKeys = false;
  /** Whether the body is only whitespace. */
  empty = true;
  /**
   * Whether escapes are counted: an escape takes two bytes, so a body of at most twice
   * MAX_ESCAPES bytes cannot exceed the bound, and its strings are crossed quote to quote
   * (counting escapes one by one costs more than parsing them: 7 ms of a 470 KB agent turn).
   */
  private readonly countsEscapes: boolean;

  constructor(
    private readonly body: Buffer,
    from: number,
    private readonly maxElements: number,
  ) {
    this.at = from;
    this.countsEscapes = body.length - from > 2 * MAX_ESCAPES;
  }

  /** Scans on for about `sliceMs`; true once the whole body is checked. Throws on a bound. */
  scan(sliceMs: number): boolean {
    const body = this.body;
    const end = body.length;
    const deadline = performance.now() + sliceMs;
    let at = this.at;
    let turns = 0;
    while (at < end) {
      if (++turns >= TURNS_PER_CHECK) {
        turns = 0;
        if (performance.now() > deadline) break;
      }
      if (this.stringOpen >= 0) {
        const next = this.crossString(at);
        if (next - at > WALK_BYTES / 4) turns = TURNS_PER_CHECK; // a long stretch: look at the clock
        at = next;
        continue;
      }
      const byte = body[at];
      if (this.empty && byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) this.empty = false;
      if (byte === QUOTE) {
        this.stringOpen = at;
      } else if (byte === 0x7b || byte === 0x5b) {
        if (++this.depth > MAX_JSON_DEPTH) throw new InvalidRequestError('The JSON body is nested too deeply.', null, 'json_too_deep');
        if (++this.elements > this.maxElements) this.tooManyElements();
      } else if (byte === 0x7d || byte === 0x5d) {
        this.depth--;
      } else if (byte === 0x2c) {
        if (++this.elements > this.maxElements) this.tooManyElements();
      }
      at++;
    }
    this.at = at;
    return at >= end;
  }

  /** From `at` inside a string: over the escapes before the next quote, and out if it closes. */
  private crossString(at: number): number {
    if (!this.countsEscapes) return this.toNextQuote(at);
    const body = this.body;
    const quote = body.indexOf(QUOTE, at);
    if (quote < 0) return body.length; // unterminated: JSON.parse reports it
    let from = at;
    for (;;) {
      const slash = this.backslashFrom(from);
      if (slash < 0 || slash >= quote) break;
      if (slash - from < DENSE_ESCAPE_GAP && from > at) return this.walkString(slash);
      this.countEscape();
      from = slash + 2; // the backslash and the byte it escapes
    }
    if (from > quote) return quote + 1; // the quote itself was escaped: still inside
    this.closeString(quote);
    return quote + 1;
  }

  /**
   * From `at` inside a string to just past its next quote, and out of the string when that quote
   * is not escaped (an even run of backslashes before it). One quote per call, so the scan's clock
   * checks still bound a body of escaped quotes; each backslash run is read once, by the quote
   * that ends it.
   */
  private toNextQuote(at: number): number {
    const body = this.body;
    const quote = body.indexOf(QUOTE, at);
    if (quote < 0) return body.length; // unterminated: JSON.parse reports it
    let backslashes = 0;
    for (let i = quote - 1; i > this.stringOpen && body[i] === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) this.closeString(quote);
    return quote + 1;
  }

  private backslashFrom(from: number): number {
    if (this.nextBackslash < from && this.nextBackslash !== Infinity) {
      const found = this.body.indexOf(BACKSLASH, from);
      this.nextBackslash = found < 0 ? Infinity : found;
    }
    return this.nextBackslash === Infinity ? -1 : this.nextBackslash;
  }

  /** Byte by byte from a backslash, for up to WALK_BYTES; returns where it stopped. */
  private walkString(at: number): number {
    const body = this.body;
    const stop = Math.min(body.length, at + WALK_BYTES);
    for (let i = at; i < stop; i++) {
      const byte = body[i];
      if (byte === BACKSLASH) {
        this.countEscape();
        i++; // the escaped byte
        if (i >= stop) return i + 1;
      } else if (byte === QUOTE) {
        this.closeString(i);
        return i + 1;
      }
    }
    return stop;
  }

  private closeString(quote: number): void {
    const open = this.stringOpen;
    this.stringOpen = -1;
    if (nextByte(this.body, quote + 1) === COLON) this.countKey(open + 1, quote);
  }

  get elementCount(): number {
    return this.elements;
  }

  private countEscape(): void {
    if (++this.escapes > MAX_ESCAPES) throw new RequestBoundError(`The JSON body holds more than ${MAX_ESCAPES} escape sequences.`, null);
  }

  private tooManyElements(): never {
    throw new RequestBoundError(`The JSON body holds more than ${this.maxElements} values (MAX_JSON_ELEMENTS).`, null);
  }

  private countKey(from: number, to: number): void {
    this.keyBytes += to - from;
    if (!this.unsafeKeys && isUnsafeKey(this.body, from, to)) this.unsafeKeys = true;
    let hash = this.seed;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ this.body[i], 0x01000193);
    this.keys.add((hash ^ (to - from)) >>> 0);
    if (this.keys.size > MAX_DISTINCT_KEYS || this.keyBytes > MAX_KEY_BYTES) {
      throw new RequestBoundError(`The JSON body holds more than ${MAX_DISTINCT_KEYS} distinct object keys, or more than ${MAX_KEY_BYTES} bytes of them.`, null);
    }
  }
}

/** Whether the key between `from` and `to` is one that reaches the prototype chain (keys' bytes are bounded: a loop over them is). */
function isUnsafeKey(body: Buffer, from: number, to: number): boolean {
  const length = to - from;
  let escaped = false;
  for (let i = from; i < to && !escaped; i++) escaped = body[i] === BACKSLASH;
  if (escaped) {
    try {
      return UNSAFE_KEYS.has(JSON.parse(`"${body.toString('utf8', from, to)}"`) as string);
    } catch {
      return false; // JSON.parse of the whole body reports it
    }
  }
  return (length === 9 || length === 11) && UNSAFE_KEYS.has(body.toString('latin1', from, to));
}

/** The next byte that is not JSON whitespace. */
function nextByte(body: Buffer, from: number): number | undefined {
  for (let i = from; i < body.length; i++) {
    const byte = body[i];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  }
  return undefined;
}

function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');
}

function decompressorFor(header: string | undefined): Decompress | undefined {
  const encoding = (header ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return undefined;
  const decompress = DECOMPRESSORS.get(encoding);
  if (!decompress) {
    // Stacked encodings ("gzip, gzip") multiply a bomb's ratio; br and zstd no client sends here.
    throw new UnsupportedMediaTypeError(`Content-Encoding "${truncate(encoding)}" is not supported; send the body as is, or with gzip or deflate.`, 'unsupported_encoding');
  }
  return decompress;
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

function checkCharset(contentType: string | undefined): void {
  const charset = contentType ? CHARSET.exec(contentType)?.[1].toLowerCase() : undefined;
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new UnsupportedMediaTypeError(`The charset "${truncate(charset)}" is not supported; send the JSON body as UTF-8.`, 'unsupported_charset');
  }
}

/**
 * The body's bytes, up to `limit`: refused before reading when the declared length is over it,
 * and as soon as more arrives. With a Content-Length the bytes are copied into one buffer as they
 * come (no concatenation of 20 MB at the end, on the event loop).
 */
function readBytes(request: IncomingMessage, limit: number): Promise<Buffer> {
  const header = request.headers['content-length'];
  const declared = header === undefined ? undefined : Number(header);
  if (declared !== undefined && !(Number.isSafeInteger(declared) && declared >= 0)) {
    return Promise.reject(new InvalidRequestError('The Content-Length header is not a length.', null, 'invalid_body'));
  }
  if (declared !== undefined && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const whole = declared !== undefined ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (err: Error | undefined, body?: Buffer) => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (err) reject(err);
      else resolve(body as Buffer);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return done(tooLarge(limit));
      if (!whole) return void chunks.push(chunk);
      if (received > whole.length) return done(lengthMismatch());
      chunk.copy(whole, received - chunk.length);
    };
    const onEnd = () => (whole && received !== whole.length ? done(lengthMismatch()) : done(undefined, whole ?? Buffer.concat(chunks)));
    const onError = () => done(new InvalidRequestError('The request was aborted while its body was being read.', null, 'request_aborted'));
    const onClose = () => {
      if (!request.complete) onError();
    };
    request.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The request body is larger than this gateway accepts (BODY_LIMIT, ${limit} bytes).`);
}

function lengthMismatch(): InvalidRequestError {
  return new InvalidRequestError('The request body could not be read (its length does not match Content-Length).', null, 'invalid_body');
}

/** Inflates in zlib's thread pool, never beyond BODY_LIMIT or the allowed ratio. */
async function inflateBounded(raw: Buffer, decompress: Decompress, limits: JsonBodyLimits): Promise<Buffer> {
  const byRatio = raw.length * limits.inflateRatio;
  const cap = Math.min(limits.bodyBytes, byRatio);
  try {
    return await decompress(raw, { maxOutputLength: Math.max(1, cap) });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PayloadTooLargeError(
        byRatio < limits.bodyBytes
          ? `The compressed body inflates more than ${limits.inflateRatio} times its size (BODY_MAX_INFLATE_RATIO).`
          : `The request body is larger than this gateway accepts once decompressed (BODY_LIMIT, ${limits.bodyBytes} bytes).`,
      );
    }
    throw new InvalidRequestError('The request body could not be decompressed (corrupt gzip or deflate data).', null, 'invalid_body');
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
