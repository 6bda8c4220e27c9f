import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import type { Conversation } from './conversation';
import { imageTokens } from './image-tokens';

/**
 * Local token counts, for usage when Kiro reports none. Kiro does not expose Claude's tokenizer;
 * cl100k_base is a close, deterministic stand-in, loaded once with the module (never per call).
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
 * Long outputs are counted exactly up to this many characters and extrapolated beyond: usage of a
 * megabyte answer does not need the last token exact, and counting it all held the event loop
 * for ~35 ms per MB at the end of the stream.
 */
const EXACT_CHARS = 64 * 1024;

/** Token count of `text`, exact up to EXACT_CHARS and estimated from that sample's ratio beyond. */
export function countTokensBounded(text: string): number {
  if (text.length <= EXACT_CHARS) return countTokens(text);
  const sample = countTokens(text.slice(0, EXACT_CHARS));
  return Math.round((sample * text.length) / EXACT_CHARS);
}

/** Texts up to this many characters are counted exactly by {@link countTokensSampled}. */
const SAMPLED_ABOVE = 32 * 1024;
const SAMPLES = 8;

/**
 * Token count of a text of any size in bounded time, for prompts (count_tokens, the usage estimate
 * of a Kiro request): exact up to SAMPLED_ABOVE characters; beyond, extrapolated from samples
 * spread evenly over the text, so a prompt of system text, code and prose is sampled in all of
 * them. The tokenizer costs 5–330 ms per MB depending on the text: counting a 20 MB count_tokens
 * body exactly held the event loop for seconds.
 */
export function countTokensSampled(text: string): number {
  if (text.length <= SAMPLED_ABOVE) return countTokens(text);
  const size = SAMPLED_ABOVE / SAMPLES;
  let tokens = 0;
  for (let k = 0; k < SAMPLES; k++) {
    const start = Math.floor((k * (text.length - size)) / (SAMPLES - 1));
    tokens += countTokens(text.slice(start, start + size));
  }
  return Math.round((tokens * text.length) / (size * SAMPLES));
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
 * A conversation's input tokens, counted locally (Anthropic's count_tokens): system text,
 * every turn's text, tool calls and results, tool definitions, and images by their size.
 */
export function countConversationTokens(conversation: Conversation): number {
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
  return countTokensSampled(parts.join('\n')) + images;
}
