import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, from, toArray } from 'rxjs';
import { decodeEventStream } from './decode-event-stream';
import { FrameDecoder, EventStreamFrame } from './frame-decoder';
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

  it('is a 502 upstream decode error for clients', () => {
    expect(new InvalidFrameError('bad')).toMatchObject({ status: 502, type: 'api_error', code: 'upstream_decode_error' });
  });

  it('reports a stream cut inside a frame at the end of input', () => {
    const decoder = new FrameDecoder();
    decoder.push(captures[0].bytes.slice(0, 50));

    expect(() => decoder.finish()).toThrow(/stream ended inside a frame: expected \d+ bytes, got 50/);
  });
});
