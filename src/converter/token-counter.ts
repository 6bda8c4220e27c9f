import type { Conversation } from './conversation';
import { imageTokens } from './image-tokens';
import type { TokenCountCache } from './token-count-cache';
import { estimateTokens } from './token-estimate';

/**
 * Local token counts, for count_tokens and for usage when Kiro reports none. Kiro does not expose
 * Claude's tokenizer; cl100k_base is the stand-in, and its count is estimated (token-estimate.ts),
 * not computed: one linear pass of a few nanoseconds per character, within a few percent of the
 * tokenizer on real text (README "Token counts"), and none of the tokenizer's tables resident
 * (gpt-tokenizer's cl100k cost 45 MB of every gateway's memory from its first request on, and
 * 0.5–1.5 µs per character). The tests keep gpt-tokenizer as the cross-check.
 */
export function countTokens(text: string): number {
  if (!text) return 0;
  return Math.max(1, Math.round(estimateShare(text, Math.min(1, ESTIMATE_SCAN_CHARS / text.length))));
}

/**
 * The estimate reads at most about this many characters of one text or prompt, spread evenly over
 * it, and scales: a 20 MB count_tokens body must not hold the event loop for the whole scan either.
 */
const ESTIMATE_SCAN_CHARS = 2 * 1024 * 1024;
const SAMPLE_CHARS = 4096;

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
 * A conversation's input tokens, counted locally: system text, every turn's text, tool calls and
 * results, tool definitions, and images by their size. The sum of every part's estimate, so that
 * a turn that resends the last one's prefix (as every agent does) gets the last figure plus its
 * new parts', never a jump from resampling; `cache` remembers the long parts' figures.
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
  let chars = 0;
  for (const part of parts) chars += part.length;
  if (chars === 0) return images;
  const share = Math.min(1, ESTIMATE_SCAN_CHARS / chars);
  let tokens = 0;
  // A part's estimate depends only on its text while the prompt is read whole (share 1).
  if (cache && share === 1) for (const part of parts) tokens += cache.countOf(part, estimateTokens);
  else for (const part of parts) tokens += estimateShare(part, share);
  return Math.max(1, Math.round(tokens)) + images;
}
