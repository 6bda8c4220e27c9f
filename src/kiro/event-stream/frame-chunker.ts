import { InvalidFrameError } from './invalid-frame.error';

/** The prelude (total length, headers length, prelude CRC) plus the trailing message CRC. */
export const MIN_FRAME_BYTES = 16;
/** Kiro frames are small; anything larger means the byte boundary was lost (kiro-protocol.md §3.1). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Cuts a byte stream into whole event-stream frames, whatever the network chunking. A frame that
 * arrives inside one chunk is returned as a view without copying; a frame split across chunks is
 * allocated once, at its announced length, and filled in place.
 */
export class FrameChunker {
  private partial: Uint8Array | null = null;
  private partialFilled = 0;
  /** The 4-byte total length can itself be split across chunks. */
  private readonly lengthPrefix = new Uint8Array(4);
  private lengthPrefixFilled = 0;

  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.partial) {
        const take = Math.min(this.partial.length - this.partialFilled, chunk.length - offset);
        this.partial.set(chunk.subarray(offset, offset + take), this.partialFilled);
        this.partialFilled += take;
        offset += take;
        if (this.partialFilled === this.partial.length) {
          frames.push(this.partial);
          this.partial = null;
        }
        continue;
      }

      if (this.lengthPrefixFilled === 0 && chunk.length - offset >= 4) {
        const total = readFrameLength(chunk, offset);
        if (chunk.length - offset >= total) {
          frames.push(chunk.subarray(offset, offset + total));
          offset += total;
        } else {
          this.startPartial(total, chunk.subarray(offset));
          offset = chunk.length;
        }
        continue;
      }

      const take = Math.min(4 - this.lengthPrefixFilled, chunk.length - offset);
      this.lengthPrefix.set(chunk.subarray(offset, offset + take), this.lengthPrefixFilled);
      this.lengthPrefixFilled += take;
      offset += take;
      if (this.lengthPrefixFilled === 4) {
        this.lengthPrefixFilled = 0;
        this.startPartial(readFrameLength(this.lengthPrefix, 0), this.lengthPrefix);
      }
    }
    return frames;
  }

  /** Call at end of input: leftover bytes mean the upstream stream was cut inside a frame. */
  finish(): void {
    const buffered = this.partial ? this.partialFilled : this.lengthPrefixFilled;
    if (buffered > 0) {
      const expected = this.partial ? this.partial.length : 'at least 16';
      throw new InvalidFrameError(`stream ended inside a frame: expected ${expected} bytes, got ${buffered}`);
    }
  }

  private startPartial(total: number, head: Uint8Array): void {
    // A Buffer, so that the decoder reads it without wrapping it again.
    this.partial = Buffer.allocUnsafe(total);
    this.partial.set(head, 0);
    this.partialFilled = head.length;
  }
}

function readFrameLength(bytes: Uint8Array, offset: number): number {
  const total = ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
  if (total < MIN_FRAME_BYTES || total > MAX_FRAME_BYTES) {
    throw new InvalidFrameError(`frame length ${total} is outside ${MIN_FRAME_BYTES}..${MAX_FRAME_BYTES} bytes`);
  }
  return total;
}
