/**
 * What the assistant produced, in the order it produced it, independent of Kiro's framing and of
 * any client's wire format. Each front end renders these (OpenAI chunks, Anthropic events, …).
 */
export type FinishReason = 'stop' | 'tool_calls' | 'length';

export interface UsageCounts {
  inputTokens: number;
  outputTokens: number;
  /** Kiro credits spent, from `meteringEvent` (kiro-protocol.md §3.2). */
  credits?: number;
}

export interface ToolCallEvent {
  type: 'toolCall';
  /** Counts the calls passed on, from 0. */
  index: number;
  id: string;
  /** The client's name for the tool (Kiro's shortened one restored). */
  name: string;
  arguments: string;
  input: Record<string, unknown>;
}

export type AssistantEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  /**
   * One whole tool call, passed on once Kiro finished it (ToolCallAssembler): a call Kiro cuts
   * off never reaches a client that would run it. `arguments` is the JSON text as Kiro sent it
   * (repaired only where that is safe), always a JSON object; `input` is that object, parsed.
   */
  | ToolCallEvent
  /**
   * `stopSequence`: the client's stop sequence that ended the answer, if one did.
   * `cutToolCalls`: tools whose calls Kiro cut off mid-arguments; they were left out and the
   * answer ends as `length` (each front end renders it: max_tokens, length, incomplete).
   */
  | { type: 'end'; finishReason: FinishReason; usage: UsageCounts; stopSequence?: string; cutToolCalls?: string[] };
