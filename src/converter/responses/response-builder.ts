import { randomBytes } from 'node:crypto';
import { toOpenAIError } from '../../common/errors';
import type { AssistantEvent, FinishReason, ToolCallEvent, UsageCounts } from '../assistant/assistant-events';
import type { Renderer } from '../assistant/renderer';
import type { IncompleteReason, ResponseEcho, ResponseObject, ResponseOutputItem, ResponseStatus, ResponseStreamEvent } from './responses.types';
import { CUSTOM_INPUT, ResponsesToolMap } from './responses-tools';
import type { SignedReasoning } from '../conversation';
import type { SealedThought } from './sealed-thought';

/** The reasoning or message item being written; tool calls are written whole, never left open. */
type OpenItem = { kind: 'reasoning' | 'message'; outputIndex: number };

export interface ResponseBuilderOptions {
  /** How the request's tools are named on the Responses side (namespaced and custom tools). */
  tools?: ResponsesToolMap;
  /** Seals a reasoning item's thought into `encrypted_content` (`include: ["reasoning.encrypted_content"]`). */
  sealReasoning?: (thought: SealedThought) => string;
  /**
   * Receives each native thought as the model signed (or redacted) it, in order, whether or not
   * the client asked for `encrypted_content`: a stored response hands it back in history for
   * `previous_response_id` (kiro-protocol.md §9.5).
   */
  signedThoughts?: SignedReasoning[];
}

const itemId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const NO_TOOLS = new ResponsesToolMap();

/**
 * Answers that did not end normally are `incomplete`, with the reason the Responses API has for
 * it: a full context window cut the output as its limit would. A pause is a normal end here.
 */
const INCOMPLETE_REASON: Partial<Record<FinishReason, IncompleteReason>> = {
  length: 'max_output_tokens',
  context_window: 'max_output_tokens',
  content_filter: 'content_filter',
};

/**
 * Builds one Responses API response from assistant events: the stream events (numbered, one item
 * open at a time, in the shared core's order) and the response object they add up to, which
 * the non-stream reply (`result()`) and `previous_response_id` use too.
 */
export class ResponseBuilder implements Renderer<ResponseStreamEvent, ResponseObject> {
  readonly id = itemId('resp');
  private readonly createdAt = Math.floor(Date.now() / 1000);
  private readonly output: ResponseOutputItem[] = [];
  private open: OpenItem | undefined;
  private sequence = 0;
  private status: ResponseStatus = 'in_progress';
  private incompleteReason: IncompleteReason | undefined;
  private usage: UsageCounts | undefined;
  private error: ResponseObject['error'] = null;
  /** The signature of the open reasoning item's thought (native reasoning), sealed with it. */
  private signature: string | undefined;
  /** The output index of each search under way, by the gateway's id of the search. */
  private readonly searches = new Map<string, number>();

  constructor(
    private readonly model: string,
    private readonly echo: ResponseEcho,
    private readonly options: ResponseBuilderOptions = {},
  ) {}

  /** The response as it stands. */
  response(): ResponseObject {
    return {
      id: this.id,
      object: 'response',
      created_at: this.createdAt,
      status: this.status,
      error: this.error,
      incomplete_details: this.status === 'incomplete' && this.incompleteReason ? { reason: this.incompleteReason } : null,
      model: this.model,
      output: structuredClone(this.output),
      usage: this.usage
        ? {
            input_tokens: this.usage.inputTokens,
            input_tokens_details: { cached_tokens: this.usage.cacheReadInputTokens ?? 0 },
            output_tokens: this.usage.outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: this.usage.inputTokens + this.usage.outputTokens,
            ...(this.usage.credits !== undefined ? { credits_used: this.usage.credits } : {}),
          }
        : null,
      ...this.echo,
    };
  }

  start(): ResponseStreamEvent[] {
    return [this.event('response.created', { response: this.response() }), this.event('response.in_progress', { response: this.response() })];
  }

  result(): ResponseObject {
    return this.response();
  }

  finish(): ResponseStreamEvent[] {
    return [];
  }

  /**
   * A failure after the start: `response.failed`, never `response.completed`; the open item ends
   * `incomplete`. The response is then `failed`, which is never stored.
   */
  fail(error: unknown): ResponseStreamEvent[] {
    const { code, message } = toOpenAIError(error).body.error;
    const out = this.close('incomplete');
    this.status = 'failed';
    this.error = { code: code ?? 'upstream_error', message };
    out.push(this.event('response.failed', { response: this.response() }));
    return out;
  }

  /**
   * OpenAI's own heartbeat on long Responses streams (`{"type":"keepalive","sequence_number":N}`):
   * Codex resets its idle timer on any event and skips unknown types; the openai SDKs skip it.
   * None once the response has ended: its final event may still be on its way (being stored).
   */
  keepAlive(): ResponseStreamEvent | undefined {
    return this.status === 'in_progress' ? this.event('keepalive', {}) : undefined;
  }

  /** Events in the shared core's order: each tool call comes whole. */
  process(event: AssistantEvent): ResponseStreamEvent[] {
    switch (event.type) {
      case 'reasoning': {
        const out = this.ensureOpen('reasoning');
        const item = this.current<'reasoning'>();
        item.summary[0].text += event.text;
        out.push(this.event('response.reasoning_summary_text.delta', { item_id: item.id, output_index: this.open!.outputIndex, summary_index: 0, delta: event.text }));
        return out;
      }
      case 'reasoningSignature': {
        // The signature closes its thought (kiro-protocol.md §9.5); it travels sealed with it.
        const out = this.ensureOpen('reasoning');
        this.signature = event.signature;
        out.push(...this.close());
        return out;
      }
      case 'redactedReasoning':
        return this.redactedReasoning(event.data);
      case 'text': {
        const out = this.ensureOpen('message');
        const item = this.current<'message'>();
        item.content[0].text += event.text;
        out.push(this.event('response.output_text.delta', { item_id: item.id, output_index: this.open!.outputIndex, content_index: 0, delta: event.text, logprobs: [] }));
        return out;
      }
      case 'toolCall':
        return this.toolCall(event);
      case 'webSearch':
        return this.webSearchStarted(event.id, event.query);
      case 'webSearchResult':
        return this.webSearchDone(event);
      case 'end':
        return this.end(event.finishReason, event.usage);
    }
  }

  /** A `web_search_call` item, added and searching (OpenAI's order: in_progress, searching, completed). */
  private webSearchStarted(id: string, query: string): ResponseStreamEvent[] {
    const out = this.close();
    const item: ResponseOutputItem = { id: itemId('ws'), type: 'web_search_call', status: 'in_progress', action: { type: 'search', query } };
    const outputIndex = this.output.push(item) - 1;
    this.searches.set(id, outputIndex);
    const at = { item_id: item.id, output_index: outputIndex };
    out.push(
      this.event('response.output_item.added', { output_index: outputIndex, item: structuredClone(item) }),
      this.event('response.web_search_call.in_progress', at),
      this.event('response.web_search_call.searching', at),
    );
    item.status = 'searching';
    return out;
  }

  private webSearchDone(result: Extract<AssistantEvent, { type: 'webSearchResult' }>): ResponseStreamEvent[] {
    const outputIndex = this.searches.get(result.id);
    if (outputIndex === undefined) return [];
    this.searches.delete(result.id);
    const item = this.output[outputIndex] as Extract<ResponseOutputItem, { type: 'web_search_call' }>;
    item.status = result.refusal ? 'failed' : 'completed';
    item.action = { type: 'search', query: result.query, sources: result.hits.map((hit) => ({ type: 'url', url: hit.url })) };
    const out: ResponseStreamEvent[] = [];
    if (!result.refusal) out.push(this.event('response.web_search_call.completed', { item_id: item.id, output_index: outputIndex }));
    out.push(this.event('response.output_item.done', { output_index: outputIndex, item: structuredClone(item) }));
    return out;
  }

  /** Redacted reasoning has nothing to show: an item only when it can be sealed for the next turn. */
  private redactedReasoning(data: string): ResponseStreamEvent[] {
    const out = this.close();
    this.options.signedThoughts?.push({ redacted: data });
    if (!this.options.sealReasoning) return out;
    const item: ResponseOutputItem = { id: itemId('rs'), type: 'reasoning', summary: [], encrypted_content: this.options.sealReasoning({ text: '', signed: { redacted: data } }) };
    const outputIndex = this.output.push(item) - 1;
    out.push(
      this.event('response.output_item.added', { output_index: outputIndex, item: structuredClone(item) }),
      this.event('response.output_item.done', { output_index: outputIndex, item: structuredClone(item) }),
    );
    return out;
  }

  private end(finishReason: FinishReason, usage: UsageCounts): ResponseStreamEvent[] {
    this.incompleteReason = INCOMPLETE_REASON[finishReason];
    const status = this.incompleteReason ? 'incomplete' : 'completed';
    // An answer cut short leaves its open message cut short too.
    const out = this.close(status);
    this.status = status;
    this.usage = usage;
    out.push(this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: this.response() }));
    return out;
  }

  /**
   * One whole call: a `function_call` (its arguments as one delta) or a `custom_tool_call` (its
   * raw input, out of the one-string-argument function Kiro called), added, filled and done.
   */
  private toolCall(call: ToolCallEvent): ResponseStreamEvent[] {
    const out = this.close();
    const tool = (this.options.tools ?? NO_TOOLS).lookup(call.name);
    const namespace = tool.namespace ? { namespace: tool.namespace } : {};
    const item: ResponseOutputItem =
      tool.kind === 'custom'
        ? { id: itemId('ctc'), type: 'custom_tool_call', status: 'in_progress', call_id: call.id, name: tool.name, ...namespace, input: '' }
        : { id: itemId('fc'), type: 'function_call', status: 'in_progress', call_id: call.id, name: tool.name, ...namespace, arguments: '' };
    const outputIndex = this.output.push(item) - 1;
    const at = { item_id: item.id, output_index: outputIndex };
    out.push(this.event('response.output_item.added', { output_index: outputIndex, item: structuredClone(item) }));
    if (item.type === 'custom_tool_call') {
      const raw = call.input[CUSTOM_INPUT];
      item.input = typeof raw === 'string' ? raw : JSON.stringify(call.input);
      out.push(this.event('response.custom_tool_call_input.delta', { ...at, delta: item.input }), this.event('response.custom_tool_call_input.done', { ...at, input: item.input }));
    } else if (item.type === 'function_call') {
      item.arguments = call.arguments;
      out.push(this.event('response.function_call_arguments.delta', { ...at, delta: call.arguments }), this.event('response.function_call_arguments.done', { ...at, arguments: call.arguments }));
    }
    item.status = 'completed';
    out.push(this.event('response.output_item.done', { output_index: outputIndex, item: structuredClone(item) }));
    return out;
  }

  private ensureOpen(kind: 'reasoning' | 'message'): ResponseStreamEvent[] {
    if (this.open?.kind === kind) return [];
    const out = this.close();
    const item: ResponseOutputItem =
      kind === 'reasoning'
        ? { id: itemId('rs'), type: 'reasoning', summary: [] }
        : { id: itemId('msg'), type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    this.output.push(item);
    const outputIndex = this.output.length - 1;
    this.open = { kind, outputIndex };
    out.push(this.event('response.output_item.added', { output_index: outputIndex, item: structuredClone(item) }));
    if (item.type === 'reasoning') {
      item.summary.push({ type: 'summary_text', text: '' });
      out.push(this.event('response.reasoning_summary_part.added', { item_id: item.id, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' } }));
    } else if (item.type === 'message') {
      item.content.push({ type: 'output_text', text: '', annotations: [], logprobs: [] });
      out.push(this.event('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }));
    }
    return out;
  }

  private close(status: 'completed' | 'incomplete' = 'completed'): ResponseStreamEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const item = this.output[open.outputIndex];
    const at = { item_id: item.id, output_index: open.outputIndex };
    const out: ResponseStreamEvent[] = [];
    if (item.type === 'reasoning') {
      const part = item.summary[0];
      out.push(this.event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: part.text }));
      out.push(this.event('response.reasoning_summary_part.done', { ...at, summary_index: 0, part: structuredClone(part) }));
      const signature = this.signature;
      this.signature = undefined;
      if (signature) this.options.signedThoughts?.push({ text: part.text, signature });
      if (this.options.sealReasoning) {
        item.encrypted_content = this.options.sealReasoning({ text: part.text, ...(signature ? { signed: { text: part.text, signature } } : {}) });
      }
    } else if (item.type === 'message') {
      const part = item.content[0];
      item.status = status;
      out.push(this.event('response.output_text.done', { ...at, content_index: 0, text: part.text, logprobs: [] }));
      out.push(this.event('response.content_part.done', { ...at, content_index: 0, part: structuredClone(part) }));
    }
    out.push(this.event('response.output_item.done', { output_index: open.outputIndex, item: structuredClone(item) }));
    return out;
  }

  private current<K extends ResponseOutputItem['type']>(): Extract<ResponseOutputItem, { type: K }> {
    return this.output[this.open!.outputIndex] as Extract<ResponseOutputItem, { type: K }>;
  }

  private event(type: string, fields: Record<string, unknown>): ResponseStreamEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }
}

/** One Responses event as an SSE block. */
export function responseEventBlock(event: ResponseStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
