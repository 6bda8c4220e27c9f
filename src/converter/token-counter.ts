import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';

/**
 * Local token counts, for usage when Kiro reports none. Kiro does not expose Claude's tokenizer;
 * cl100k_base is a close, deterministic stand-in, loaded once with the module (never per call).
 */
export function countTokens(text: string): number {
  return text ? countCl100k(text) : 0;
}
