import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { MessageHeaders } from '@smithy/types';
import { FrameChunker } from './frame-chunker';
import { InvalidFrameError } from './invalid-frame.error';

/** One decoded frame: string headers and the raw payload bytes. */
export interface EventStreamFrame {
  headers: Record<string, string>;
  payload: Uint8Array;
}

/**
 * Bytes in, CRC-checked frames out. Framing is ours ({@link FrameChunker}); checksum and header
 * parsing are AWS's own codec, so a corrupt frame fails loudly instead of being regex-scanned.
 */
export class FrameDecoder {
  private readonly chunker = new FrameChunker();
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);

  push(chunk: Uint8Array): EventStreamFrame[] {
    return this.chunker.push(chunk).map((frame) => this.decodeFrame(frame));
  }

  finish(): void {
    this.chunker.finish();
  }

  private decodeFrame(frame: Uint8Array): EventStreamFrame {
    let message;
    try {
      message = this.codec.decode(frame);
    } catch (err) {
      throw new InvalidFrameError((err as Error).message);
    }
    return { headers: stringHeaders(message.headers), payload: message.body };
  }
}

function stringHeaders(headers: MessageHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, header] of Object.entries(headers)) {
    out[name] = typeof header.value === 'string' ? header.value : String(header.value);
  }
  return out;
}
