import { assistantMessage, type Conversation, userMessage } from '../../converter/conversation';
import type { PartialTurn } from './partial-turn';

/**
 * The words that ask Kiro to go on from a partial turn. Tool calls already sent are named (the
 * partial turn cannot carry them: Kiro wants every tool use answered by a tool result in the next
 * user turn, kiro-protocol.md §8), so the model does not make them twice.
 */
export const CONTINUE_INSTRUCTION =
  'Your previous answer was cut off by a network error. Continue exactly where it stopped: do not repeat anything already written, do not start over, do not comment on the interruption.';

/**
 * The conversation that resumes a response: the original one, the text already sent as the
 * assistant's partial turn, and the instruction to continue. With nothing sent, the original
 * conversation as it was (a plain retry). Thinking is off once answer text went out: the client's
 * reasoning block is closed, and new reasoning would have nowhere to go.
 */
export function continuationOf(conversation: Conversation, partial: PartialTurn): Conversation {
  if (partial.empty) return conversation;
  const calls = partial.toolCalls.map((call) => `${call.name}(${call.arguments})`);
  const instruction = calls.length > 0 ? `${CONTINUE_INSTRUCTION} Tool calls already made, not to be made again: ${calls.join('; ')}.` : CONTINUE_INSTRUCTION;
  return {
    ...conversation,
    messages: [...conversation.messages, assistantMessage(partial.text || '…'), userMessage(instruction)],
    ...(partial.answerStarted ? { thinking: { kind: 'off' as const } } : {}),
  };
}
