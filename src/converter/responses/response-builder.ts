import { randomBytes } from 'node:crypto';
import { Observable, OperatorFunction } from 'rxjs';
import type { AssistantEvent, UsageCounts } from '../response/assistant-events';
import type { ResponseEcho, ResponseObject, ResponseOutputItem, ResponseStatus, ResponseStreamEvent } from './responses.types';
import { CUSTOM_INPUT, ResponsesToolMap } from './responses-tools';

type OpenItem = { kind: 'reasoning' | 'message'; outputIndex: number } | { kind: 'function_call' | 'custom_tool_call'; outputIndex: number; toolIndex: number };

export interface ResponseBuilderOptions {
  /** How the request's tools are named on the Responses side (namespaced and custom tools). */
  tools?: ResponsesToolMap;
  /** Seals a reasoning item's text into `encrypted_content` (`include: ["reasoning.encrypted_content"]`). */
  sealReasoning?: (text: string) => string;
}

const itemId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const NO_TOOLS = new ResponsesToolMap();

/**
 * Builds one Responses API response from assistant events: the stream events (numbered, one item
 * open at a time, in the shared core's order) and the response object they add up to, which
 * the non-stream reply and `previous_response_id` use too.
 */
export class ResponseBuilder {
  readonly id = itemId('resp');
  private readonly createdAt = Math.floor(Date.now() / 1000);
  private readonly output: ResponseOutputItem[] = [];
  private open: OpenItem | undefined;
  private sequence = 0;
  private status: ResponseStatus = 'in_progress';
  private usage: UsageCounts | undefined;
  private error: ResponseObject['error'] = null;
  /** A custom tool call's JSON arguments as they arrive; its raw input is read out at the end. */
  private customArguments = '';

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
      incomplete_details: this.status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
      model: this.model,
      output: structuredClone(this.output),
      usage: this.usage
        ? {
            input_tokens: this.usage.inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: this.usage.outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: this.usage.inputTokens + this.usage.outputTokens,
          }
        : null,
      ...this.echo,
    };
  }

  start(): ResponseStreamEvent[] {
    return [this.event('response.created', { response: this.response() }), this.event('response.in_progress', { response: this.response() })];
  }

  /** Events in the shared core's order: one tool call's events are never interleaved. */
  process(event: AssistantEvent): ResponseStreamEvent[] {
    return this.render(event);
  }

  /** A failure after the start: `response.failed`, never `response.completed`. */
  fail(code: string, message: string): ResponseStreamEvent[] {
    const out = this.close('incomplete');
    this.status = 'failed';
    this.error = { code, message };
    out.push(this.event('response.failed', { response: this.response() }));
    return out;
  }

  private render(event: AssistantEvent): ResponseStreamEvent[] {
    switch (event.type) {
      case 'reasoning': {
        const out = this.ensureOpen('reasoning');
        const item = this.current<'reasoning'>();
        item.summary[0].text += event.text;
        out.push(this.event('response.reasoning_summary_text.delta', { item_id: item.id, output_index: this.open!.outputIndex, summary_index: 0, delta: event.text }));
        return out;
      }
      case 'text': {
        const out = this.ensureOpen('message');
        const item = this.current<'message'>();
        item.content[0].text += event.text;
        out.push(this.event('response.output_text.delta', { item_id: item.id, output_index: this.open!.outputIndex, content_index: 0, delta: event.text, logprobs: [] }));
        return out;
      }
      case 'toolCallStart': {
        const out = this.close();
        const tool = (this.options.tools ?? NO_TOOLS).lookup(event.name);
        const namespace = tool.namespace ? { namespace: tool.namespace } : {};
        const item: ResponseOutputItem =
          tool.kind === 'custom'
            ? { id: itemId('ctc'), type: 'custom_tool_call', status: 'in_progress', call_id: event.id, name: tool.name, ...namespace, input: '' }
            : { id: itemId('fc'), type: 'function_call', status: 'in_progress', call_id: event.id, name: tool.name, ...namespace, arguments: '' };
        this.output.push(item);
        this.open = { kind: item.type, outputIndex: this.output.length - 1, toolIndex: event.index };
        this.customArguments = '';
        out.push(this.event('response.output_item.added', { output_index: this.open.outputIndex, item: structuredClone(item) }));
        return out;
      }
      case 'toolCallDelta': {
        if (this.open?.kind === 'custom_tool_call') {
          this.customArguments += event.argumentsDelta;
          return [];
        }
        if (this.open?.kind !== 'function_call') return [];
        const item = this.current<'function_call'>();
        item.arguments += event.argumentsDelta;
        return [this.event('response.function_call_arguments.delta', { item_id: item.id, output_index: this.open.outputIndex, delta: event.argumentsDelta })];
      }
      case 'toolCallEnd':
        return this.open?.kind === 'custom_tool_call' ? [...this.customInput(event.arguments), ...this.close()] : this.close();
      case 'end':
        return this.end(event.finishReason === 'length' ? 'incomplete' : 'completed', event.usage);
    }
  }

  private end(status: 'completed' | 'incomplete', usage: UsageCounts): ResponseStreamEvent[] {
    const out = this.close();
    this.status = status;
    this.usage = usage;
    out.push(this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: this.response() }));
    return out;
  }

  /** A custom tool's raw input, out of the one-string-argument function Kiro called. */
  private customInput(args: string): ResponseStreamEvent[] {
    const item = this.current<'custom_tool_call'>();
    const at = { item_id: item.id, output_index: this.open!.outputIndex };
    const parsed = JSON.parse(args || this.customArguments || '{}') as Record<string, unknown>;
    item.input = typeof parsed[CUSTOM_INPUT] === 'string' ? parsed[CUSTOM_INPUT] : JSON.stringify(parsed);
    return [this.event('response.custom_tool_call_input.delta', { ...at, delta: item.input }), this.event('response.custom_tool_call_input.done', { ...at, input: item.input })];
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
      if (this.options.sealReasoning) item.encrypted_content = this.options.sealReasoning(part.text);
    } else if (item.type === 'message') {
      const part = item.content[0];
      item.status = status;
      out.push(this.event('response.output_text.done', { ...at, content_index: 0, text: part.text, logprobs: [] }));
      out.push(this.event('response.content_part.done', { ...at, content_index: 0, part: structuredClone(part) }));
    } else if (item.type === 'function_call') {
      item.status = status;
      out.push(this.event('response.function_call_arguments.done', { ...at, arguments: item.arguments }));
    } else {
      item.status = status;
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

/**
 * Assistant events → Responses stream events. A failure after the start becomes
 * `response.failed` (then the stream ends); `describe` renders the error's code and message.
 */
export function toResponseStreamEvents(
  builder: ResponseBuilder,
  describe: (error: unknown) => { code: string; message: string },
  /** Runs before the final event goes out (storing the response), so a follow-up finds it. */
  beforeFinal: () => Promise<void> = async () => undefined,
): OperatorFunction<AssistantEvent, ResponseStreamEvent> {
  return (events$) =>
    new Observable<ResponseStreamEvent>((subscriber) => {
      for (const event of builder.start()) subscriber.next(event);
      let finalising: Promise<void> | undefined;
      return events$.subscribe({
        next: (event) => {
          const out = builder.process(event);
          if (event.type !== 'end') {
            for (const item of out) subscriber.next(item);
            return;
          }
          const last = out.pop();
          for (const item of out) subscriber.next(item);
          finalising = beforeFinal()
            .catch(() => undefined)
            .then(() => {
              if (last) subscriber.next(last);
            });
        },
        error: (error) => {
          const { code, message } = describe(error);
          for (const out of builder.fail(code, message)) subscriber.next(out);
          subscriber.complete();
        },
        complete: () => {
          if (finalising) void finalising.then(() => subscriber.complete());
          else subscriber.complete();
        },
      });
    });
}

/** One Responses event as an SSE block. */
export function responseEventBlock(event: ResponseStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
