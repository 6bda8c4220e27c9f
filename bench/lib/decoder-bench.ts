import { performance } from 'node:perf_hooks';
import { FrameDecoder, toKiroEvent } from '../../src/kiro/event-stream';
import { encodeSimEvent, textEvents, type SimEvent } from '../../test/simulator';
import { benchText } from './scenarios';

/**
 * The event-stream decoder on its own: a buffer of realistic frames (8-character text events as
 * in the captures, a tool call every 200 frames, usage events) pushed in 16 KiB network-sized
 * chunks, through FrameDecoder (framing, CRCs, headers) and, separately, through
 * FrameDecoder + toKiroEvent (payload UTF-8 + JSON too), which is what the gateway runs.
 */

export interface DecoderResult {
  bufferBytes: number;
  frames: number;
  chunkBytes: number;
  /** FrameDecoder only. */
  framesMBps: number;
  /** FrameDecoder + toKiroEvent. */
  eventsMBps: number;
  framesPerSecond: number;
}

function buildStream(targetBytes: number): { bytes: Buffer; frames: number } {
  const pieces: Uint8Array[] = [];
  let size = 0;
  let frames = 0;
  const text = textEvents(benchText(200 * 8), 8);
  while (size < targetBytes) {
    const events: SimEvent[] = [
      ...text,
      { type: 'toolUse', toolUseId: `tooluse_${frames}`, name: 'read_file', input: '{"path": "src/main.ts"}' },
      { type: 'contextUsage', percentage: 12.5 },
      { type: 'metering', usage: 0.02 },
    ];
    for (const event of events) {
      const frame = encodeSimEvent(event);
      pieces.push(frame);
      size += frame.length;
      frames++;
    }
  }
  return { bytes: Buffer.concat(pieces), frames };
}

function timeDecode(bytes: Buffer, chunkBytes: number, minMs: number, withEvents: boolean, expectedFrames: number): number {
  let passes = 0;
  let elapsed = 0;
  // One untimed pass to warm the JIT, then whole passes until minMs is reached.
  for (let warm = true; warm || elapsed < minMs; warm = false) {
    const started = performance.now();
    const decoder = new FrameDecoder();
    let count = 0;
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      const frames = decoder.push(bytes.subarray(offset, Math.min(offset + chunkBytes, bytes.length)));
      if (withEvents) for (const frame of frames) toKiroEvent(frame);
      count += frames.length;
    }
    decoder.finish();
    if (count !== expectedFrames) throw new Error(`decoder bench: decoded ${count} frames, expected ${expectedFrames}`);
    if (!warm) {
      elapsed += performance.now() - started;
      passes++;
    }
  }
  return (passes * bytes.length) / (1024 * 1024) / (elapsed / 1000);
}

export function runDecoderBench(opts: { bufferBytes: number; minMs: number; chunkBytes?: number }): DecoderResult {
  const chunkBytes = opts.chunkBytes ?? 16 * 1024;
  const { bytes, frames } = buildStream(opts.bufferBytes);
  const framesMBps = timeDecode(bytes, chunkBytes, opts.minMs, false, frames);
  const eventsMBps = timeDecode(bytes, chunkBytes, opts.minMs, true, frames);
  return {
    bufferBytes: bytes.length,
    frames,
    chunkBytes,
    framesMBps,
    eventsMBps,
    framesPerSecond: (framesMBps * 1024 * 1024 * frames) / bytes.length,
  };
}
