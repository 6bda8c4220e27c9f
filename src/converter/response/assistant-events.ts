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

export type AssistantEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  /** Name and id come first so clients can show the call before its arguments arrive. */
  | { type: 'toolCallStart'; index: number; id: string; name: string }
  | { type: 'toolCallDelta'; index: number; argumentsDelta: string }
  /** The concatenated deltas of this call: always valid JSON. */
  | { type: 'toolCallEnd'; index: number; arguments: string }
  /**
   * `stopSequence`: the client's stop sequence that ended the answer, if one did.
   * `cutToolCalls`: tools whose calls Kiro cut off mid-arguments; they were left out and the
   * answer ends as `length` (each front end renders it: max_tokens, length, incomplete).
   */
  | { type: 'end'; finishReason: FinishReason; usage: UsageCounts; stopSequence?: string; cutToolCalls?: string[] };
