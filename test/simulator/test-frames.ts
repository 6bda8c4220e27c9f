import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/**
 * Test-only: splits a byte stream into event-stream frames by their 4-byte big-endian total
 * length and decodes them with smithy's codec (which checks both CRCs). Not a production decoder.
 */

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export interface DecodedFrame {
  headers: Record<string, string>;
  /** Parsed JSON, or '' for an empty body (error frames). */
  payload: unknown;
}

export function splitFrames(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 4) throw new Error(`truncated prelude at byte ${offset}`);
    const total = view.getUint32(offset);
    if (offset + total > bytes.length) {
      throw new Error(`truncated frame at byte ${offset}: expected ${total} bytes, have ${bytes.length - offset}`);
    }
    frames.push(bytes.subarray(offset, offset + total));
    offset += total;
  }
  return frames;
}

export function decodeFrame(frame: Uint8Array): DecodedFrame {
  const message = codec.decode(frame);
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
  const text = toUtf8(message.body);
  return { headers, payload: text === '' ? '' : JSON.parse(text) };
}

export function decodeFrames(bytes: Uint8Array): DecodedFrame[] {
  return splitFrames(bytes).map(decodeFrame);
}
