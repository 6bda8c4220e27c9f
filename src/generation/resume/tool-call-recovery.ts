import { assistantMessage, type Conversation, userMessage } from '../../converter/conversation';
import type { PartialTurn } from './partial-turn';

/**
 * The words that ask Kiro for a tool call it cut off mid-arguments (kiro-protocol.md §9.8 case 1:
 * its output limit, about 9 KB of tool input) once more, in pieces small enough to come through.
 * The simulator recognises a re-ask by its first sentence.
 */
export const TOOL_CALL_RECOVERY_INSTRUCTION =
  'Your previous answer was cut off by the output limit in the middle of the arguments of a tool call, so that call was lost.';

const SPLIT_ADVICE =
  'Make that call again, but split its output into smaller calls, each with arguments well under 8000 characters: ' +
  'for example, write a large file in parts (create it with the first part, then add the rest in further calls). ' +
  'Do not repeat text already written, do not comment on the interruption.';

/**
 * The conversation that asks again for the tool calls Kiro cut off: the original one, what was
 * already sent as the assistant's partial turn (as a resume sends it, continuation.ts), and the
 * instruction naming the lost calls and the calls already made, which are not to be made again.
 */
export function toolCallRecoveryOf(conversation: Conversation, partial: PartialTurn, cutToolCalls: readonly string[]): Conversation {
  const lost = `The lost call${cutToolCalls.length > 1 ? 's were' : ' was'} to ${cutToolCalls.map((name) => `"${name}"`).join(', ')}.`;
  const made = partial.toolCalls.map((call) => `${call.name}(${call.arguments})`);
  const instruction = [TOOL_CALL_RECOVERY_INSTRUCTION, lost, SPLIT_ADVICE, ...(made.length > 0 ? [`Tool calls already made, not to be made again: ${made.join('; ')}.`] : [])].join(' ');
  return {
    ...conversation,
    messages: [...conversation.messages, assistantMessage(partial.text || '…'), userMessage(instruction)],
    ...(partial.answerStarted ? { thinking: { kind: 'off' as const } } : {}),
  };
}
