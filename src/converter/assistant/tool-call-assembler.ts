import { GatewayError } from '../../common/errors';
import type { ToolNameMap } from '../kiro/tool-names';
import { isJsonObject } from '../../common/json';
import type { AssistantEvent, ToolCallEvent } from './assistant-events';
import { closingSuffix, parseJson } from './json-repair';

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

/**
 * Kiro said a call was complete, but its arguments are not a JSON object even after a safe
 * repair: not JSON at all, or JSON of another type (`null`, `5`, `"x"`, `[]`: Kiro's toolUseEvent
 * input can be any JSON, and every client API takes an object).
 */
export class InvalidToolArgumentsError extends GatewayError {
  constructor(name: string, received: number, what: 'not valid JSON' | 'valid JSON but not an object') {
    super(
      `The model finished the "${name}" tool call with ${received} characters of arguments that are ${what}. ` +
        'Sending the request again usually gives a well-formed call.',
      { kind: 'upstream', code: 'tool_call_invalid_arguments', retryable: true },
    );
  }
}

/**
 * Assembles `toolUseEvent` fragments per `toolUseId` into tool calls. A call is passed on whole,
 * as one event, once it is complete (name restored to the client's, arguments a JSON object), so
 * that a call Kiro cuts off never reaches a client that would run it. Indexes count the calls
 * passed on.
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
    return event.stop ? [this.complete(call, ...this.argumentsAtStop(call))] : [];
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
      const parsed = args === undefined ? { value: {} } : parseJson(args);
      if (!outputCut && call.endedNormally && parsed) {
        out.push(this.complete(call, args ?? '{}', parsed.value));
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

  /** A stopped call's arguments and their value: `{}` when empty, closing brackets added where that is safe. */
  private argumentsAtStop(call: OpenCall): [args: string, value: unknown] {
    const args = this.plainArguments(call);
    if (args === undefined) return ['{}', {}];
    const parsed = parseJson(args);
    if (parsed) return [args, parsed.value];
    const suffix = closingSuffix(args);
    if (suffix === undefined) throw new InvalidToolArgumentsError(call.name, args.length, 'not valid JSON');
    return [args + suffix, JSON.parse(args + suffix)];
  }

  /** The call as one event; its arguments, valid JSON by now, must hold an object. */
  private complete(call: OpenCall, args: string, input: unknown): ToolCallEvent {
    if (!isJsonObject(input)) throw new InvalidToolArgumentsError(call.name, args.length, 'valid JSON but not an object');
    this.open.delete(call.id);
    this.finished.add(call.id);
    return { type: 'toolCall', index: this.emitted++, id: call.id, name: call.name, arguments: args, input };
  }
}
