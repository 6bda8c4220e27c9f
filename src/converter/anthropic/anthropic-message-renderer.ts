import { type AnthropicErrorBody, toAnthropicStreamError } from '../../common/errors';
import type { AssistantEvent, FinishReason, UsageCounts } from '../assistant/assistant-events';
import type { Renderer } from '../assistant/renderer';
import type { WebSearchHit } from '../../kiro/web-search/mcp-search';
import { encodeSearchSnippet } from './anthropic-web-search';
import type { AnthropicContentBlock, AnthropicWebSearchResult, AnthropicMessage, AnthropicUsage, AnthropicMessageMeta, AnthropicStopReason, AnthropicStreamEvent } from './anthropic-messages.types';

export const STOP_REASON: Record<FinishReason, AnthropicStopReason> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  length: 'max_tokens',
  content_filter: 'refusal',
  context_window: 'model_context_window_exceeded',
  pause: 'pause_turn',
};

/** What an Anthropic stream carries: its events, and at most one final `error` event. */
export type AnthropicStreamItem = AnthropicStreamEvent | AnthropicErrorBody;

type OpenBlock = { kind: 'text' | 'thinking'; index: number } | { kind: 'tool'; index: number };

/**
 * Assistant events → Anthropic's Messages API. The stream follows its grammar: `message_start`,
 * then blocks with increasing indexes, never two open at once (the shared core passes each tool
 * call whole), then `message_delta` and `message_stop`. The blocks it opens are the content of
 * the non-stream `message` (`result()`), so both say the same.
 */
export class AnthropicMessageRenderer implements Renderer<AnthropicStreamItem, AnthropicMessage> {
  private open: OpenBlock | undefined;
  private readonly content: AnthropicContentBlock[] = [];
  private end: Extract<AssistantEvent, { type: 'end' }> | undefined;

  constructor(private readonly meta: AnthropicMessageMeta) {}

  start(): AnthropicStreamItem[] {
    return [
      {
        type: 'message_start',
        message: {
          id: this.meta.id,
          type: 'message',
          role: 'assistant',
          model: this.meta.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: this.meta.inputTokensEstimate(), output_tokens: 0 },
        },
      },
      { type: 'ping' },
    ];
  }

  /** Events in the shared core's order: one tool call's events are never interleaved. */
  process(event: AssistantEvent): AnthropicStreamItem[] {
    switch (event.type) {
      case 'text': {
        const out = this.ensureOpen('text');
        (this.content[this.open!.index] as Extract<AnthropicContentBlock, { type: 'text' }>).text += event.text;
        out.push({ type: 'content_block_delta', index: this.open!.index, delta: { type: 'text_delta', text: event.text } });
        return out;
      }
      case 'reasoning': {
        const out = this.ensureOpen('thinking');
        if (this.meta.omitThinkingText) return out;
        (this.content[this.open!.index] as Extract<AnthropicContentBlock, { type: 'thinking' }>).thinking += event.text;
        out.push({ type: 'content_block_delta', index: this.open!.index, delta: { type: 'thinking_delta', thinking: event.text } });
        return out;
      }
      case 'reasoningSignature': {
        // Native reasoning (kiro-protocol.md §9.5): the signature closes its thinking block, as
        // in Anthropic's stream; with display "omitted" the block has a signature and no text.
        const out = this.ensureOpen('thinking');
        (this.content[this.open!.index] as Extract<AnthropicContentBlock, { type: 'thinking' }>).signature = event.signature;
        out.push({ type: 'content_block_delta', index: this.open!.index, delta: { type: 'signature_delta', signature: event.signature } }, ...this.close());
        return out;
      }
      case 'redactedReasoning': {
        const out = this.close();
        const index = this.content.length;
        const block: AnthropicContentBlock = { type: 'redacted_thinking', data: event.data };
        this.content.push(block);
        out.push({ type: 'content_block_start', index, content_block: { ...block } }, { type: 'content_block_stop', index });
        return out;
      }
      case 'toolCall': {
        const out = this.close();
        const index = this.content.length;
        this.content.push({ type: 'tool_use', id: event.id, name: event.name, input: event.input });
        out.push(
          { type: 'content_block_start', index, content_block: { type: 'tool_use', id: event.id, name: event.name, input: {} } },
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: event.arguments } },
          { type: 'content_block_stop', index },
        );
        return out;
      }
      case 'webSearch': {
        const out = this.close();
        const index = this.content.length;
        const input = { query: event.query };
        this.content.push({ type: 'server_tool_use', id: serverToolUseId(event.id), name: 'web_search', input });
        out.push(
          { type: 'content_block_start', index, content_block: { type: 'server_tool_use', id: serverToolUseId(event.id), name: 'web_search', input: {} } },
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(input) } },
          { type: 'content_block_stop', index },
        );
        return out;
      }
      case 'webSearchResult': {
        const out = this.close();
        const index = this.content.length;
        const block: AnthropicContentBlock = {
          type: 'web_search_tool_result',
          tool_use_id: serverToolUseId(event.id),
          content: event.refusal ? { type: 'web_search_tool_result_error', error_code: event.refusal } : event.hits.map(webSearchResult),
        };
        this.content.push(block);
        out.push({ type: 'content_block_start', index, content_block: block }, { type: 'content_block_stop', index });
        return out;
      }
      case 'end':
        this.end = event;
        return [
          ...this.close(),
          {
            type: 'message_delta',
            delta: { stop_reason: this.stopReason(), stop_sequence: event.stopSequence ?? null },
            usage: toAnthropicUsage(event.usage),
          },
          { type: 'message_stop' },
        ];
    }
  }

  finish(): AnthropicStreamItem[] {
    return [];
  }

  fail(error: unknown): AnthropicStreamItem[] {
    return [toAnthropicStreamError(error)];
  }

  result(): AnthropicMessage {
    return {
      id: this.meta.id,
      type: 'message',
      role: 'assistant',
      model: this.meta.model,
      content: this.content.map((block) => ({ ...block })),
      stop_reason: this.stopReason(),
      stop_sequence: this.end?.stopSequence ?? null,
      usage: this.end ? toAnthropicUsage(this.end.usage) : { input_tokens: this.meta.inputTokensEstimate(), output_tokens: 0 },
    };
  }

  /** Anthropic's own heartbeat event (its SDKs and Claude Code skip it). */
  keepAlive(): AnthropicStreamItem {
    return { type: 'ping' };
  }

  private stopReason(): AnthropicStopReason {
    return this.end?.stopSequence !== undefined ? 'stop_sequence' : STOP_REASON[this.end?.finishReason ?? 'stop'];
  }

  private ensureOpen(kind: 'text' | 'thinking'): AnthropicStreamItem[] {
    if (this.open?.kind === kind) return [];
    const out = this.close();
    const index = this.content.length;
    const block: AnthropicContentBlock = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    this.content.push(block);
    this.open = { kind, index };
    out.push({ type: 'content_block_start', index, content_block: { ...block } });
    return out;
  }

  private close(): AnthropicStreamItem[] {
    if (!this.open) return [];
    const index = this.open.index;
    this.open = undefined;
    return [{ type: 'content_block_stop', index }];
  }
}

/** Anthropic's id of a server tool call (`srvtoolu_…`), from the gateway's id of the search. */
export function serverToolUseId(id: string): string {
  return `srvtoolu_${id.replace(/^tooluse_/, '').replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

const PAGE_AGE = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

function webSearchResult(hit: WebSearchHit): AnthropicWebSearchResult {
  return {
    type: 'web_search_result',
    title: hit.title,
    url: hit.url,
    // Anthropic's is encrypted page content; the gateway's carries the snippet, which is what the
    // model read of the page, and reaches it again when the client hands the block back.
    encrypted_content: encodeSearchSnippet(hit.snippet),
    page_age: hit.publishedAt !== undefined ? PAGE_AGE.format(hit.publishedAt) : null,
  };
}

/**
 * Anthropic counts cached input apart from `input_tokens` (clients such as Claude Code add the
 * three up for the context size): the cache figures Kiro reported move out of the total.
 */
export function toAnthropicUsage(usage: UsageCounts): AnthropicUsage {
  const read = usage.cacheReadInputTokens;
  const write = usage.cacheWriteInputTokens;
  return {
    input_tokens: usage.inputTokens - (read ?? 0) - (write ?? 0),
    output_tokens: usage.outputTokens,
    ...(read !== undefined ? { cache_read_input_tokens: read } : {}),
    ...(write !== undefined ? { cache_creation_input_tokens: write } : {}),
    ...(usage.webSearchRequests !== undefined ? { server_tool_use: { web_search_requests: usage.webSearchRequests } } : {}),
    ...(usage.credits !== undefined ? { credits_used: usage.credits } : {}),
  };
}
