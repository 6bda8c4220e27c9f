import { randomBytes } from 'node:crypto';
import { contextUsagePercentage, type PromptBody, THINKING_CONTROL } from './context-usage';
import {
  contextTooLong,
  serverError,
  splitCodePoints,
  textEvents,
  textReply,
  type TextReplyOptions,
  throttled,
  toolCallReply,
  type Scenario,
  type SimEvent,
  type StreamScenario,
  usageEvents,
} from './scenarios';

/**
 * What the simulator answers when no scenario is queued: a `[sim:…]` directive in the current
 * message picks a behaviour, so real clients and the demo can exercise failure paths by typing.
 */

export const SIM_DIRECTIVES = [
  'tool', 'slow', 'throttle', 'error500', 'cut', 'exception', 'overflow', 'long', 'thinking',
] as const;
export type SimDirective = (typeof SIM_DIRECTIVES)[number];

/** The subset of a body the directives read; only called after validateKiroRequest passed. */
interface CurrentMessage {
  content: string;
  userInputMessageContext?: {
    tools?: { toolSpecification: ToolSpecification }[];
    toolResults?: unknown[];
  };
}
interface ToolSpecification {
  name: string;
  inputSchema: { json: { properties?: Record<string, { type?: unknown }>; required?: string[] } };
}
interface ValidatedBody {
  conversationState: { currentMessage: { userInputMessage: CurrentMessage } };
}

const SLOW_FIRST_BYTE_MS = 2_000;
const LONG_REPLY_BYTES = 1_048_576;
const LONG_FRAME_CHARS = 16_384;
const ECHO_CHARS = 200;

export function findDirective(content: string): SimDirective | undefined {
  const match = /\[sim:([a-z0-9]+)\]/.exec(content);
  const name = match?.[1];
  return (SIM_DIRECTIVES as readonly string[]).includes(name ?? '') ? (name as SimDirective) : undefined;
}

export function scenarioForRequest(body: unknown): Scenario {
  const current = (body as ValidatedBody).conversationState.currentMessage.userInputMessage;
  // Unscripted answers report what the request really fills of the context (§3.2).
  const usage: TextReplyOptions = { contextUsagePercentage: contextUsagePercentage(body as PromptBody) };
  switch (findDirective(current.content)) {
    case 'tool':
      return toolDirective(current, usage);
    case 'slow':
      return { ...friendlyReply(current, usage), firstByteDelayMs: SLOW_FIRST_BYTE_MS };
    case 'throttle':
      return throttled();
    case 'error500':
      return serverError();
    case 'overflow':
      return contextTooLong();
    case 'cut':
      return { ...textReply('This reply will be cut off by the simulator after three frames, mid-sentence.', usage), cutAfterFrames: 3 };
    case 'exception':
      // Kiro throttles mid-stream too (§3.3, §8): the HTTP status is already 200, so the
      // client sees a rate_limit_error as the stream's last event (or a 429 without streaming).
      return {
        kind: 'stream',
        events: [
          ...textEvents('Partial answer before the upstream fails. '),
          { type: 'exception', exceptionType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' },
        ],
      };
    case 'long':
      return { kind: 'stream', events: [...longReplyEvents(), ...usageEvents(usage.contextUsagePercentage, 1.5)] };
    case 'thinking':
      // Small frames so the <thinking> tags arrive split across frames, as they do for real.
      return textReply(
        '<thinking>The user asked for a thinking demo, so I reason here first.</thinking>\n\n' +
          'Here is the answer, given after the thinking block.',
        { ...usage, chunkChars: 5 },
      );
    case undefined:
      return friendlyReply(current, usage);
  }
}

function friendlyReply(current: CurrentMessage, usage: TextReplyOptions): StreamScenario {
  const results = current.userInputMessageContext?.toolResults?.length ?? 0;
  if (current.content.trim() === '' && results > 0) {
    return textReply(`Hello from the Kiro simulator! I received ${results} tool result(s).`, usage);
  }
  // Gateways ask for reasoning with tags ahead of the user's text (kiro-protocol.md §2.5 #13):
  // like the real model, think first when asked, and never echo the control tags.
  const thinkingRequested = THINKING_CONTROL.test(current.content);
  const said = current.content.replace(THINKING_CONTROL, '').trim();
  // Code points, not UTF-16 units, so an emoji at the cut is never split into a lone surrogate.
  const echo = splitCodePoints(said, ECHO_CHARS)[0] ?? '';
  const thinking = thinkingRequested ? '<thinking>The user greeted the simulator; I will echo what they said.</thinking>\n\n' : '';
  return textReply(`${thinking}Hello from the Kiro simulator! You said: "${echo}"`, usage);
}

/** Calls the first declared tool, with its required properties filled from the schema types. */
function toolDirective(current: CurrentMessage, usage: TextReplyOptions): Scenario {
  const tool = current.userInputMessageContext?.tools?.[0]?.toolSpecification;
  if (!tool) return textReply('[sim:tool] needs at least one declared tool in the request.', usage);
  const schema = tool.inputSchema.json;
  const args: Record<string, unknown> = {};
  for (const name of schema.required ?? []) args[name] = sampleValue(schema.properties?.[name]?.type, name);
  const toolUseId = `tooluse_${randomBytes(16).toString('base64url').slice(0, 22)}`;
  return toolCallReply(toolUseId, tool.name, JSON.stringify(args), { ...usage, fragments: 3 });
}

function sampleValue(type: unknown, name: string): unknown {
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return `sim-${name}`;
  }
}

/** ~1 MiB of ASCII in 16 KiB frames, built once. */
let longEvents: SimEvent[] | undefined;
function longReplyEvents(): SimEvent[] {
  if (!longEvents) {
    const lines: string[] = [];
    let size = 0;
    for (let n = 1; size < LONG_REPLY_BYTES; n++) {
      const line = `Line ${String(n).padStart(6, '0')}: the Kiro simulator is streaming a long reply.\n`;
      lines.push(line);
      size += line.length;
    }
    longEvents = textEvents(lines.join('').slice(0, LONG_REPLY_BYTES), LONG_FRAME_CHARS);
  }
  return longEvents;
}
