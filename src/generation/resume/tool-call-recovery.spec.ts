import { assistantMessage, type Conversation, userMessage } from '../../converter/conversation';
import { PartialTurn } from './partial-turn';
import { TOOL_CALL_RECOVERY_INSTRUCTION, toolCallRecoveryOf } from './tool-call-recovery';

describe(toolCallRecoveryOf.name, () => {
  const conversation: Conversation = { system: ['Be brief.'], messages: [userMessage('Write big.txt')], tools: [], toolChoice: { type: 'auto' } };

  it('adds the text already sent as the assistant’s turn and asks for the cut call in smaller pieces', () => {
    const partial = new PartialTurn(1000);
    partial.record({ type: 'text', text: 'Writing the file. ' });

    const asked = toolCallRecoveryOf(conversation, partial, ['Write']);

    expect(asked.messages.slice(0, 2)).toStrictEqual([userMessage('Write big.txt'), assistantMessage('Writing the file. ')]);
    const instruction = asked.messages[2];
    expect(instruction.role).toBe('user');
    expect(instruction.role === 'user' && instruction.text).toMatch(new RegExp(`^${TOOL_CALL_RECOVERY_INSTRUCTION.replace(/[.()]/g, '\\$&')} The lost call was to "Write"\\. Make that call again, but split its output into smaller calls`));
    expect(asked.thinking).toStrictEqual({ kind: 'off' });
    expect(asked.system).toStrictEqual(['Be brief.']);
  });

  it('names the calls already made, so they are not made twice, and keeps thinking when nothing was sent', () => {
    const partial = new PartialTurn(1000);
    const empty = toolCallRecoveryOf(conversation, partial, ['Write', 'Edit']);
    partial.record({ type: 'toolCall', index: 0, id: 'tooluse_a', name: 'Bash', arguments: '{"command":"ls"}', input: { command: 'ls' } });
    const afterCall = toolCallRecoveryOf(conversation, partial, ['Write']);

    expect(empty.messages[1]).toStrictEqual(assistantMessage('…'));
    expect(empty.messages[2].role === 'user' && empty.messages[2].text).toContain('The lost calls were to "Write", "Edit".');
    expect(empty.thinking).toBeUndefined();
    expect(afterCall.messages[2].role === 'user' && afterCall.messages[2].text).toMatch(/Tool calls already made, not to be made again: Bash\(\{"command":"ls"\}\)\.$/);
  });
});
