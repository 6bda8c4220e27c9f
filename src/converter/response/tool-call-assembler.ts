import { GatewayError } from '../../common/errors';
import type { ToolNameMap } from '../kiro/tool-names';
import type { AssistantEvent } from './assistant-events';
import { closingSuffix, isValidJson } from './json-repair';

interface OpenCall {
  index: number;
  id: string;
  name: string;
  /** Input streamed as string fragments (the usual case). */
  streamed: string;
  /** Input sent as an object instead (kiro-protocol.md §3.2); the latest one wins. */
  objectInput: Record<string, unknown> | undefined;
  done: boolean;
}

/** Kiro cut a tool call's input where no safe repair exists; forwarding it would hand the client invalid JSON. */
export class TruncatedToolCallError extends GatewayError {
  constructor(name: string, received: number) {
    super(
      `Kiro cut off the arguments of the "${name}" tool call after ${received} characters (its output limit was probably reached). ` +
        'Ask for smaller steps, for example writing a long file in several calls.',
      { status: 502, type: 'api_error', code: 'tool_call_truncated' },
    );
  }
}

/**
 * Assembles `toolUseEvent` fragments per `toolUseId` into tool calls with stable indexes: a start
 * (name restored to the client's), argument deltas as they arrive, then an end whose arguments
 * are always valid JSON.
 */
export class ToolCallAssembler {
  private readonly calls = new Map<string, OpenCall>();

  constructor(private readonly toolNames: ToolNameMap) {}

  get count(): number {
    return this.calls.size;
  }

  process(event: { toolUseId: string; name: string; input?: string | Record<string, unknown>; stop: boolean }): AssistantEvent[] {
    const out: AssistantEvent[] = [];
    let call = this.calls.get(event.toolUseId);
    if (!call) {
      call = { index: this.calls.size, id: event.toolUseId, name: this.toolNames.originalName(event.name), streamed: '', objectInput: undefined, done: false };
      this.calls.set(event.toolUseId, call);
      out.push({ type: 'toolCallStart', index: call.index, id: call.id, name: call.name });
    }
    if (call.done) return out; // a duplicate after stop: Kiro repeats itself at times (§5 #2)
    if (typeof event.input === 'string' && event.input) {
      call.streamed += event.input;
      out.push({ type: 'toolCallDelta', index: call.index, argumentsDelta: event.input });
    } else if (typeof event.input === 'object' && event.input && Object.keys(event.input).length > 0) {
      call.objectInput = event.input;
    }
    if (event.stop) out.push(...this.close(call));
    return out;
  }

  /** Whether a call was still open at the end (Kiro cut it off: no `stop`, kiro-protocol.md §8). */
  truncated = false;

  /** End of stream: calls never stopped were cut off upstream. */
  flush(): AssistantEvent[] {
    const out: AssistantEvent[] = [];
    for (const call of this.calls.values()) {
      if (call.done) continue;
      this.truncated = true;
      out.push(...this.close(call));
    }
    return out;
  }

  private close(call: OpenCall): AssistantEvent[] {
    call.done = true;
    const out: AssistantEvent[] = [];
    let args = call.streamed;
    if (!args.trim()) {
      args = JSON.stringify(call.objectInput ?? {});
      out.push({ type: 'toolCallDelta', index: call.index, argumentsDelta: args });
    } else if (!isValidJson(args)) {
      const suffix = closingSuffix(args);
      if (suffix === undefined) throw new TruncatedToolCallError(call.name, args.length);
      args += suffix;
      out.push({ type: 'toolCallDelta', index: call.index, argumentsDelta: suffix });
    }
    out.push({ type: 'toolCallEnd', index: call.index, arguments: args });
    return out;
  }
}
