import type { WebSearchHit } from '../../kiro/web-search/mcp-search';

/**
 * What the assistant produced, in the order it produced it, independent of Kiro's framing and of
 * any client's wire format. Each front end renders these (OpenAI chunks, Anthropic events, …).
 */
/**
 * Why the answer ended, in the gateway's own terms (each front end names it its way):
 * - `stop`: the model finished (or a client stop sequence ended it);
 * - `tool_calls`: it ended by calling tools;
 * - `length`: the output was cut at its limit (Kiro's MAX_TOKENS, a cut-off tool call);
 * - `content_filter`: Kiro's filter stopped it (CONTENT_FILTERED);
 * - `context_window`: the conversation filled the model's window (MODEL_CONTEXT_WINDOW_EXCEEDED);
 * - `pause`: the model paused a long turn, to be sent back to go on (PAUSE_TURN).
 */
export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'context_window' | 'pause';

export interface UsageCounts {
  inputTokens: number;
  outputTokens: number;
  /** Kiro credits spent, from `meteringEvent` (kiro-protocol.md §3.2). */
  credits?: number;
  /**
   * Of `inputTokens`, what Kiro read from and wrote to its prompt cache (`metadataEvent.tokenUsage`,
   * kiro-protocol.md §9.6). Only when Kiro reported them: estimates never invent cache figures.
   */
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
  /** Web searches the gateway ran for this response (generation/web-search/). */
  webSearchRequests?: number;
}

/** Why a search the model asked for was not run. */
export type WebSearchRefusal = 'max_uses_exceeded' | 'invalid_tool_input';

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
  /** Native reasoning (kiro-protocol.md §9.5): the whole signature of the thought just streamed, which it closes. */
  | { type: 'reasoningSignature'; signature: string }
  /** Native reasoning the model redacted: opaque, handed back as it is. */
  | { type: 'redactedReasoning'; data: string }
  /**
   * One whole tool call, passed on once Kiro finished it (ToolCallAssembler): a call Kiro cuts
   * off never reaches a client that would run it. `arguments` is the JSON text as Kiro sent it
   * (repaired only where that is safe), always a JSON object; `input` is that object, parsed.
   */
  | ToolCallEvent
  /** The gateway searches the web for the model (its search tool's call): `id` pairs it with its result. */
  | { type: 'webSearch'; id: string; query: string }
  /** What that search found (no hits is not an error), or why it was not run. */
  | { type: 'webSearchResult'; id: string; query: string; hits: WebSearchHit[]; refusal?: WebSearchRefusal }
  /**
   * `stopSequence`: the client's stop sequence that ended the answer, if one did.
   * `cutToolCalls`: tools whose calls Kiro cut off mid-arguments; they were left out and the
   * answer ends as `length` (each front end renders it: max_tokens, length, incomplete).
   */
  | { type: 'end'; finishReason: FinishReason; usage: UsageCounts; stopSequence?: string; cutToolCalls?: string[] };
