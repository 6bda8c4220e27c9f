import type { Conversation } from './conversation';
import { imageTokens } from './image-tokens';
import type { TokenCountCache } from './token-count-cache';
import { estimateTokens } from './token-estimate';

type Cl100k = typeof import('gpt-tokenizer/encoding/cl100k_base');
let cl100k: Cl100k | undefined;

/**
 * cl100k's tables cost about 35 MB of memory: loaded on the first exact count (a prompt or an
 * answer under EXACT_CHARS), not at start-up, and never by a gateway that only sees large turns.
 */
function countCl100k(text: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cl100k ??= require('gpt-tokenizer/encoding/cl100k_base') as Cl100k;
  return cl100k.countTokens(text);
}

/**
 * Local token counts, for usage when Kiro reports none. Kiro does not expose Claude's tokenizer;
 * cl100k_base is a close, deterministic stand-in.
 */
export function countTokens(text: string): number {
  if (!text) return 0;
  // BPE is quadratic in the length of one pre-token, and a run without whitespace (a long word,
  // base64, CJK prose) is one pre-token: such runs are estimated from their size instead
  // (about one token per 3 UTF-8 bytes), and the rest is counted exactly in bounded pieces.
  let total = 0;
  let from = 0;
  for (const run of text.matchAll(LONG_RUN)) {
    total += countExact(text.slice(from, run.index));
    total += /^\s/.test(run[0]) ? whitespaceRunTokens(run[0]) : Math.ceil(Buffer.byteLength(run[0]) / 3);
    from = run.index + run[0].length;
  }
  return total + countExact(text.slice(from));
}

/**
 * Texts up to this many characters are counted exactly. Beyond, the estimate of token-estimate.ts
 * stands in: cl100k's BPE costs 0.5–1.5 µs per character, the estimate a few nanoseconds, within
 * a few percent of it over code, prose and CJK.
 */
export const EXACT_CHARS = 4096;
/**
 * The estimate reads at most about this many characters of one text or prompt, spread evenly over
 * it, and scales: a 20 MB count_tokens body must not hold the event loop for the whole scan either.
 */
const ESTIMATE_SCAN_CHARS = 2 * 1024 * 1024;
const SAMPLE_CHARS = 4096;

/** Token count of a model's output: exact up to EXACT_CHARS, estimated beyond. */
export function countTokensBounded(text: string): number {
  if (text.length <= EXACT_CHARS) return countTokens(text);
  return Math.round(estimateShare(text, Math.min(1, ESTIMATE_SCAN_CHARS / text.length)));
}

/**
 * The estimate of `text` reading `share` of it (1: all), in windows spread evenly over it. Not
 * rounded, so that a prompt's parts add up before one rounding.
 */
function estimateShare(text: string, share: number): number {
  if (share >= 1 || text.length <= SAMPLE_CHARS) return estimateTokens(text);
  const windows = Math.max(1, Math.ceil((text.length * share) / SAMPLE_CHARS));
  let tokens = 0;
  for (let k = 0; k < windows; k++) {
    const start = windows === 1 ? 0 : Math.floor((k * (text.length - SAMPLE_CHARS)) / (windows - 1));
    tokens += estimateTokens(text, start, start + SAMPLE_CHARS);
  }
  return (tokens * text.length) / (windows * SAMPLE_CHARS);
}

/**
 * A long run of whitespace is one pre-token too (16,384 spaces: 80 ms of BPE), but uniform: its
 * count is that of its first WHITESPACE_SAMPLE characters, scaled.
 */
function whitespaceRunTokens(run: string): number {
  return Math.ceil((countCl100k(run.slice(0, WHITESPACE_SAMPLE)) * run.length) / WHITESPACE_SAMPLE);
}

const WHITESPACE_SAMPLE = 256;
const LONG_RUN = /\S{64,}|\s{1024,}/g;
const PIECE = 16_384;

function countExact(text: string): number {
  let total = 0;
  for (let at = 0; at < text.length; at += PIECE) total += countCl100k(text.slice(at, at + PIECE));
  return total;
}

/**
 * A conversation's input tokens, counted locally (Anthropic's count_tokens, and the usage of a
 * request Kiro reports none for): system text, every turn's text, tool calls and results, tool
 * definitions, and images by their size. Exact for a small prompt (up to EXACT_CHARS); beyond,
 * the sum of every part's estimate, so that a turn that resends the last one's prefix (as every
 * agent does) gets the last figure plus its new parts', never a jump from resampling.
 */
export function countConversationTokens(conversation: Conversation, cache?: TokenCountCache): number {
  const parts: string[] = [...conversation.system];
  let images = 0;
  for (const message of conversation.messages) {
    parts.push(message.text);
    if (message.role === 'assistant') {
      for (const call of message.toolCalls) parts.push(call.name, JSON.stringify(call.input));
    } else {
      for (const result of message.toolResults) parts.push(result.text);
      for (const image of message.images) images += imageTokens(image);
    }
  }
  for (const tool of conversation.tools) parts.push(tool.name, tool.description, JSON.stringify(tool.parameters));
  let chars = parts.length;
  for (const part of parts) chars += part.length;
  if (chars <= EXACT_CHARS) return countTokens(parts.join('\n')) + images;
  const share = Math.min(1, ESTIMATE_SCAN_CHARS / chars);
  let tokens = 0;
  // A part's estimate depends only on its text while the prompt is read whole (share 1).
  if (cache && share === 1) for (const part of parts) tokens += cache.countOf(part, estimateTokens);
  else for (const part of parts) tokens += estimateShare(part, share);
  return Math.round(tokens) + images;
}
