import { GatewayError } from '../../common/errors';
import type { ToolNameMap } from '../kiro/tool-names';
import type { AssistantEvent } from './assistant-events';
import { closingSuffix, isValidJson } from './json-repair';

interface OpenCall {
  id: string;
  name: string;
  /** Input streamed as string fragments (the usual case). */
  streamed: string;
  /** Input sent as an object instead (kiro-protocol.md §3.2); the latest one wins. */
  objectInput: Record<string, unknown> | undefined;
  /**
   * Kiro ended normally after this call began: a contextUsageEvent, a meteringEvent, or a
   * metadataEvent whose stopReason is not MAX_TOKENS.
   */
  endedNormally: boolean;
}

/** Kiro said a call was complete, but its arguments are not JSON even after a safe repair. */
export class InvalidToolArgumentsError extends GatewayError {
  constructor(name: string, received: number) {
    super(
      `The model finished the "${name}" tool call with ${received} characters of arguments that are not valid JSON. ` +
        'Sending the request again usually gives a well-formed call.',
      { status: 502, type: 'api_error', code: 'tool_call_invalid_arguments', retryable: true },
    );
  }
}

/**
 * Assembles `toolUseEvent` fragments per `toolUseId` into tool calls. A call is passed on whole,
 * once it is complete — start (name restored to the client's), its arguments, end — so that a
 * call Kiro cuts off never reaches a client that would run it. Indexes count the calls passed on.
 *
 * Complete means `stop: true`, or, for a call Kiro never stopped, a normal end of the answer
 * (a contextUsageEvent, a meteringEvent, or a metadataEvent whose stopReason is not MAX_TOKENS,
 * after it) with arguments that are empty (a
 * zero-argument call, kiro-protocol.md §9.8 case 2) or valid JSON. Any other unstopped call was
 * cut (§9.8 case 1: no `stop`, no contextUsageEvent): it is dropped and named in {@link cut}.
 */
export class ToolCallAssembler {
  private readonly open = new Map<string, OpenCall>();
  /** Ids already passed on or dropped: Kiro repeats events at times (§5 #2). */
  private readonly finished = new Set<string>();
  private emitted = 0;
  /** Names of the calls dropped because Kiro cut them off. */
  readonly cut: string[] = [];

  constructor(private readonly toolNames: ToolNameMap) {}

  /** Calls passed on to the client. */
  get count(): number {
    return this.emitted;
  }

  process(event: { toolUseId: string; name: string; input?: string | Record<string, unknown>; stop: boolean }): AssistantEvent[] {
    if (this.finished.has(event.toolUseId)) return [];
    let call = this.open.get(event.toolUseId);
    if (!call) {
      call = { id: event.toolUseId, name: this.toolNames.originalName(event.name), streamed: '', objectInput: undefined, endedNormally: false };
      this.open.set(event.toolUseId, call);
    }
    if (typeof event.input === 'string') call.streamed += event.input;
    else if (typeof event.input === 'object' && event.input && Object.keys(event.input).length > 0) call.objectInput = event.input;
    return event.stop ? this.complete(call, this.argumentsAtStop(call)) : [];
  }

  /** Kiro's answer went on normally (contextUsageEvent, meteringEvent, a metadataEvent not MAX_TOKENS): open calls were not cut. */
  markNormalEnd(): void {
    for (const call of this.open.values()) call.endedNormally = true;
  }

  /**
   * End of the answer: unstopped calls that ended normally are passed on; the others were cut.
   * `outputCut`: Kiro reported its output limit (MAX_TOKENS, ContentLengthExceeded), so every
   * unstopped call is cut, whatever followed it.
   */
  flush(outputCut: boolean): AssistantEvent[] {
    const out: AssistantEvent[] = [];
    for (const call of [...this.open.values()]) {
      const args = this.plainArguments(call);
      if (!outputCut && call.endedNormally && (args === undefined || isValidJson(args))) {
        out.push(...this.complete(call, args ?? '{}'));
      } else {
        this.open.delete(call.id);
        this.finished.add(call.id);
        this.cut.push(call.name);
      }
    }
    return out;
  }

  /** The arguments as Kiro sent them, undefined when there are none. */
  private plainArguments(call: OpenCall): string | undefined {
    if (call.streamed.trim()) return call.streamed;
    return call.objectInput ? JSON.stringify(call.objectInput) : undefined;
  }

  /** A stopped call's arguments: `{}` when empty, closing brackets added where that is safe. */
  private argumentsAtStop(call: OpenCall): string {
    const args = this.plainArguments(call);
    if (args === undefined) return '{}';
    if (isValidJson(args)) return args;
    const suffix = closingSuffix(args);
    if (suffix === undefined) throw new InvalidToolArgumentsError(call.name, args.length);
    return args + suffix;
  }

  private complete(call: OpenCall, args: string): AssistantEvent[] {
    this.open.delete(call.id);
    this.finished.add(call.id);
    const index = this.emitted++;
    return [
      { type: 'toolCallStart', index, id: call.id, name: call.name },
      { type: 'toolCallDelta', index, argumentsDelta: args },
      { type: 'toolCallEnd', index, arguments: args },
    ];
  }
}
