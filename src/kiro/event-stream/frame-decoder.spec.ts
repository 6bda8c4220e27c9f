import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, from, toArray } from 'rxjs';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { encodeEvent } from '../../../test/simulator/event-stream-encoder';
import { decodeEventStream } from './decode-event-stream';
import { crc32 } from 'node:zlib';
import { crc32Bytes, FrameDecoder, EventStreamFrame } from './frame-decoder';
import { InvalidFrameError } from './invalid-frame.error';

const CAPTURES = join(__dirname, '../../../test/fixtures/kiro-captures');

interface Capture {
  name: string;
  bytes: Uint8Array;
  expected: { frames: Array<{ headers: Record<string, string>; payload: unknown }>; assistantText: string };
}

const captures: Capture[] = readdirSync(CAPTURES)
  .filter((file) => file.endsWith('.bin'))
  .map((file) => ({
    name: file,
    bytes: new Uint8Array(readFileSync(join(CAPTURES, file))),
    expected: JSON.parse(readFileSync(join(CAPTURES, file.replace(/\.bin$/, '.json')), 'utf8')),
  }));

/** The decoded frames in the fixture's own JSON form, key order included. */
function asFixtureJson(frames: EventStreamFrame[]): string {
  return JSON.stringify(
    frames.map((frame) => ({ headers: frame.headers, payload: JSON.parse(Buffer.from(frame.payload).toString('utf8')) })),
  );
}

function decodeInPieces(bytes: Uint8Array, cuts: number[]): EventStreamFrame[] {
  const decoder = new FrameDecoder();
  const frames: EventStreamFrame[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    frames.push(...decoder.push(bytes.slice(start, cut)));
    start = cut;
  }
  decoder.finish();
  return frames;
}

describe(FrameDecoder.name, () => {
  it('has the three real captures to check against', () => {
    expect(captures.map((c) => c.name).sort()).toEqual([
      'text-cjk-then-tool-start.bin',
      'text-escaped-json.bin',
      'text-simple.bin',
    ]);
  });

  describe.each(captures)('$name', (capture) => {
    const expectedJson = JSON.stringify(capture.expected.frames);

    it('decodes every frame exactly when the bytes arrive at once', () => {
      expect(asFixtureJson(decodeInPieces(capture.bytes, []))).toBe(expectedJson);
    });

    it('decodes every frame exactly when the bytes arrive one at a time', () => {
      const everyByte = Array.from({ length: capture.bytes.length - 1 }, (_, i) => i + 1);

      expect(asFixtureJson(decodeInPieces(capture.bytes, everyByte))).toBe(expectedJson);
    });

    it('decodes every frame exactly whatever single offset splits the bytes', () => {
      for (let cut = 1; cut < capture.bytes.length; cut++) {
        expect(asFixtureJson(decodeInPieces(capture.bytes, [cut]))).toBe(expectedJson);
      }
    });

    it('agrees with AWS smithy\'s EventStreamCodec on every frame', () => {
      const codec = new EventStreamCodec(toUtf8, fromUtf8);
      const ours = decodeInPieces(capture.bytes, []);
      let offset = 0;
      const theirs = ours.map(() => {
        const length = Buffer.from(capture.bytes.subarray(offset, offset + 4)).readUInt32BE(0);
        const message = codec.decode(capture.bytes.subarray(offset, offset + length));
        offset += length;
        return { headers: Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, String(v.value)])), payload: Buffer.from(message.body).toString() };
      });

      expect(ours.map((f) => ({ headers: f.headers, payload: Buffer.from(f.payload).toString() }))).toEqual(theirs);
    });

    it('reassembles the assistant text from the text events', async () => {
      const events = await lastValueFrom(from([capture.bytes]).pipe(decodeEventStream(), toArray()));
      const text = events.map((event) => (event.kind === 'text' ? event.text : '')).join('');

      expect(text).toBe(capture.expected.assistantText);
    });
  });

  it('rejects a frame whose payload byte was flipped (message CRC)', () => {
    const corrupt = captures[0].bytes.slice();
    corrupt[120] ^= 0x01;

    expect(() => decodeInPieces(corrupt, [])).toThrow(/Invalid event-stream frame from Kiro: The message checksum/);
  });

  it('rejects a frame whose prelude was altered (prelude CRC)', () => {
    const corrupt = captures[0].bytes.slice();
    corrupt[6] ^= 0x01;

    expect(() => decodeInPieces(corrupt, [])).toThrow(/prelude checksum/);
  });

  it('rejects an impossible frame length instead of buffering forever', () => {
    expect(() => new FrameDecoder().push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0]))).toThrow(
      new InvalidFrameError('frame length 4294967295 is outside 16..16777216 bytes'),
    );
  });

  it('computes the same CRC-32 as zlib for every length and continuation', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 131 + 7) % 256));
    for (let length = 0; length <= 300; length += 7) {
      expect(crc32Bytes(data, 0, length)).toBe(crc32(data.subarray(0, length)));
      expect(crc32Bytes(data, 3, length + 3 > 300 ? 300 : length + 3, 12345)).toBe(crc32(data.subarray(3, Math.min(300, length + 3)), 12345));
    }
  });

  it('reads every header value type of the format', () => {
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const frame = codec.encode({
      headers: {
        ':message-type': { type: 'string', value: 'event' },
        flag: { type: 'boolean', value: true },
        small: { type: 'byte', value: -3 },
        short: { type: 'short', value: 1234 },
        int: { type: 'integer', value: 123456 },
        blob: { type: 'binary', value: new Uint8Array([1, 2, 3]) },
        id: { type: 'uuid', value: '0123abcd-0123-abcd-0123-0123456789ab' },
      },
      body: new Uint8Array([123, 125]),
    });

    expect(new FrameDecoder().push(frame)[0].headers).toEqual({
      ':message-type': 'event',
      flag: 'true',
      small: '-3',
      short: '1234',
      int: '123456',
      blob: 'AQID',
      id: '0123abcd0123abcd01230123456789ab',
    });
  });

  it('decodes a frame the simulator encodes', () => {
    const frames = new FrameDecoder().push(encodeEvent('assistantResponseEvent', { content: 'héllo 世界' }));

    expect(JSON.parse(Buffer.from(frames[0].payload).toString())).toEqual({ content: 'héllo 世界' });
  });

  it('is a 502 upstream decode error for clients', () => {
    expect(new InvalidFrameError('bad')).toMatchObject({ status: 502, type: 'api_error', code: 'upstream_decode_error' });
  });

  it('reports a stream cut inside a frame at the end of input', () => {
    const decoder = new FrameDecoder();
    decoder.push(captures[0].bytes.slice(0, 50));

    expect(() => decoder.finish()).toThrow(/stream ended inside a frame: expected \d+ bytes, got 50/);
  });
});
