import { imageTokens } from '../../src/converter/image-tokens';
import { countTokens } from '../../src/converter/token-counter';
import { SIM_MODEL_CATALOG } from './model-catalog';

/**
 * A realistic `contextUsagePercentage` (protocol §3.2) for an unscripted answer: Kiro's own system
 * prompt plus the tokens of what the request says, over the model's context window. Real Kiro
 * counts with Claude's tokenizer and adds its system prompt, so its share of the window is always
 * more than the prompt alone: the simulator does the same (the prompt counted with the gateway's
 * tokenizer, cl100k_base, plus {@link KIRO_SYSTEM_PROMPT_TOKENS}), so a gateway that turned the
 * percentage into usage would report a figure other than count_tokens'. The gateway's
 * thinking-mode control tags are left out, as the simulator never treats them as the user's words.
 */

const DEFAULT_WINDOW = 200_000;
/** What Kiro's own system prompt adds to every request's context, about (protocol §3.2). */
export const KIRO_SYSTEM_PROMPT_TOKENS = 2_800;
/** The thinking-mode control tags a gateway prefixes, up to the blank line after them. */
export const THINKING_CONTROL = /^\s*(?:<(thinking_mode|max_thinking_length|thinking_instruction|thinking_effort)>[\s\S]*?<\/\1>\s*)+/;

/** The parts of a (validated) Kiro body that carry the prompt. */
interface UserTurn {
  content: string;
  modelId?: string;
  images?: { format: 'png' | 'jpeg' | 'gif' | 'webp'; source: { bytes: string } }[];
  userInputMessageContext?: {
    /** The tools, and maybe a cache checkpoint after them (§9.6). */
    tools?: Array<{ toolSpecification?: { name: string; description: string; inputSchema: { json: unknown } } }>;
    toolResults?: { content: { text?: string }[] }[];
  };
}
interface AssistantTurn {
  content: string;
  toolUses?: { name: string; input: unknown }[];
}
export interface PromptBody {
  conversationState: {
    currentMessage: { userInputMessage: UserTurn };
    history?: Array<{ userInputMessage: UserTurn } | { assistantResponseMessage: AssistantTurn }>;
  };
}

export function contextUsagePercentage(body: PromptBody): number {
  const state = body.conversationState;
  const current = state.currentMessage.userInputMessage;
  const parts: string[] = [];
  let images = 0;
  const user = (turn: UserTurn, content: string) => {
    parts.push(content);
    for (const result of turn.userInputMessageContext?.toolResults ?? []) for (const block of result.content) parts.push(block.text ?? '');
    for (const image of turn.images ?? []) images += imageTokens({ format: image.format, base64: image.source.bytes });
  };
  for (const entry of state.history ?? []) {
    if ('userInputMessage' in entry) {
      user(entry.userInputMessage, entry.userInputMessage.content);
    } else {
      parts.push(entry.assistantResponseMessage.content);
      for (const use of entry.assistantResponseMessage.toolUses ?? []) parts.push(use.name, JSON.stringify(use.input));
    }
  }
  user(current, current.content.replace(THINKING_CONTROL, ''));
  for (const { toolSpecification: tool } of current.userInputMessageContext?.tools ?? []) {
    if (!tool) continue;
    parts.push(tool.name, tool.description, JSON.stringify(tool.inputSchema.json));
  }
  const tokens = KIRO_SYSTEM_PROMPT_TOKENS + countTokens(parts.join('\n')) + images;
  const window = SIM_MODEL_CATALOG.find((model) => model.modelId === current.modelId)?.tokenLimits.maxInputTokens ?? DEFAULT_WINDOW;
  return (tokens / window) * 100;
}
