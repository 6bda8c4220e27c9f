import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import type { Conversation } from './conversation';
import { imageTokens } from './image-tokens';

/**
 * Local token counts, for usage when Kiro reports none. Kiro does not expose Claude's tokenizer;
 * cl100k_base is a close, deterministic stand-in, loaded once with the module (never per call).
 */
export function countTokens(text: string): number {
  return text ? countCl100k(text) : 0;
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
  return countTokens(parts.join('\n')) + images;
}
