import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeError, encodeEvent, encodeException } from './event-stream-encoder';
import { decodeFrame, splitFrames } from './test-frames';

const CAPTURES = join(__dirname, '..', 'fixtures', 'kiro-captures');

interface CaptureFrame {
  headers: Record<string, string>;
  payload: unknown;
}

function loadCapture(name: string): { bin: Buffer; frames: CaptureFrame[] } {
  const bin = readFileSync(join(CAPTURES, `${name}.bin`));
  const { frames } = JSON.parse(readFileSync(join(CAPTURES, `${name}.json`), 'utf8')) as { frames: CaptureFrame[] };
  return { bin, frames };
}

describe(encodeEvent.name, () => {
  it.each([
    ['text-simple', 2, 303],
    ['text-escaped-json', 5, 674],
    ['text-cjk-then-tool-start', 21, 2738],
  ])('re-encodes every frame of %s byte for byte (%i frames, %i bytes)', (name, frameCount, byteCount) => {
    const { bin, frames } = loadCapture(name);

    const encoded = Buffer.concat(frames.map((f) => encodeEvent(f.headers[':event-type'], f.payload)));

    expect(frames).toHaveLength(frameCount);
    expect(encoded.length).toBe(byteCount);
    expect(encoded.equals(bin)).toBe(true);
  });

  it('writes headers in the captured order', () => {
    const frame = encodeEvent('assistantResponseEvent', { content: 'hi' });

    expect(Object.keys(decodeFrame(frame).headers)).toEqual([':event-type', ':content-type', ':message-type']);
  });

  it('produces one frame per call: 98 bytes of framing for a toolUseEvent (§3.1) plus the payload', () => {
    const frame = encodeEvent('toolUseEvent', { name: 'Write', toolUseId: 'tooluse_1DCqyICMR-CfTS36UNNiwA' });

    expect(splitFrames(frame)).toHaveLength(1);
    expect(frame.length).toBe(159); // the same frame is 159 bytes in text-cjk-then-tool-start.bin
  });
});

describe(encodeException.name, () => {
  it('encodes an exception frame with :exception-type and a {message} payload', () => {
    const frame = encodeException('ThrottlingException', 'Too many requests, please wait before trying again.');

    const decoded = decodeFrame(frame);

    expect(Object.entries(decoded.headers)).toEqual([
      [':exception-type', 'ThrottlingException'],
      [':content-type', 'application/json'],
      [':message-type', 'exception'],
    ]);
    expect(decoded.payload).toEqual({ message: 'Too many requests, please wait before trying again.' });
  });
});

describe(encodeError.name, () => {
  it('encodes an error frame with code and message in headers and an empty body', () => {
    const frame = encodeError('InternalFailure', 'Something broke upstream');

    const decoded = decodeFrame(frame);

    expect(Object.entries(decoded.headers)).toEqual([
      [':message-type', 'error'],
      [':error-code', 'InternalFailure'],
      [':error-message', 'Something broke upstream'],
    ]);
    expect(decoded.payload).toBe('');
  });
});
