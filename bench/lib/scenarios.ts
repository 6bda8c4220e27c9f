import { textReply, type StreamScenario } from '../../test/simulator';

/**
 * The scripted upstream answers the benchmark replays. Both paths (client → simulator and
 * client → gateway → simulator) get byte-identical Kiro streams, built here and nowhere else.
 */

export type ScenarioName = 'short' | 'large' | 'slow' | 'many';

export interface BenchScenarioConfig {
  /** Characters of text in the large streamed reply (1 MiB in the full run). */
  largeChars: number;
  /** Text frames in one slow stream, one every slowFrameDelayMs. */
  slowFrames: number;
  slowFrameDelayMs: number;
  /** Text frames of each of the 1,000 concurrent streams, one every manyFrameDelayMs. */
  manyFrames: number;
  manyFrameDelayMs: number;
  /** Simulator accounts besides 'default' (refresh tokens `<name>-refresh-token`), for the pool phase. */
  accounts?: string[];
}

const WORDS = (
  'the gateway streams every token from kiro to the client as soon as it arrives so the added ' +
  'latency must stay small const value = await fetch(url) return JSON.parse(text) function ' +
  'handler(request, response) { if (!ok) throw new Error("failed") } // a comment with tabs\tand quotes'
).split(' ');

/** Deterministic ASCII prose-and-code text of exactly `chars` characters (quotes, tabs, newlines included). */
export function benchText(chars: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const word = WORDS[(i * 7 + (i >> 3)) % WORDS.length] + (i % 17 === 16 ? '\n' : ' ');
    parts.push(word);
    length += word.length;
  }
  return parts.join('').slice(0, chars);
}

/** 20 text frames of 8 characters (the captures show a few words per frame), then usage events. */
export const SHORT_TEXT = benchText(160);

export function slowText(frames: number): string {
  return benchText(frames * 8);
}

export function buildScenarios(config: BenchScenarioConfig): Record<ScenarioName, StreamScenario> {
  return {
    short: textReply(SHORT_TEXT, { chunkChars: 8 }),
    // 16-character frames; written in 16 KiB socket writes like a fast network, so that the
    // simulator's own cost stays small next to what is being measured.
    large: { ...textReply(benchText(config.largeChars), { chunkChars: 16 }), split: { everyBytes: 16 * 1024 } },
    slow: { ...textReply(slowText(config.slowFrames), { chunkChars: 8 }), frameDelayMs: config.slowFrameDelayMs },
    many: { ...textReply(slowText(config.manyFrames), { chunkChars: 8 }), frameDelayMs: config.manyFrameDelayMs },
  };
}
