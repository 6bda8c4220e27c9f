import { randomBytes } from 'node:crypto';
import { contextUsagePercentage, type PromptBody, THINKING_CONTROL } from './context-usage';
import { jsonAnswerFor } from './json-answer';
import { reasoningEvents, reasoningText } from './native-reasoning';
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
  'say', 'shell', 'call', 'cuttool', 'steps', 'redacted', 'websearch', 'stop',
] as const;
export type SimDirective = (typeof SIM_DIRECTIVES)[number];

/** Each directive as it is typed and what it does, in one line: the demo's banner lists them all. */
export const SIM_DIRECTIVE_HELP: Readonly<Record<SimDirective, { usage: string; summary: string }>> = {
  tool: { usage: '[sim:tool]', summary: 'calls the first tool the request declares (send tools)' },
  slow: { usage: '[sim:slow]', summary: 'waits 2 s before the first token' },
  throttle: { usage: '[sim:throttle]', summary: 'answers 429 every time: retried, then a 429' },
  error500: { usage: '[sim:error500]', summary: 'answers 500: retried, then a 502' },
  cut: { usage: '[sim:cut]', summary: 'cuts the connection mid-stream' },
  exception: { usage: '[sim:exception]', summary: 'some text, then a ThrottlingException frame' },
  overflow: { usage: '[sim:overflow]', summary: '"Input is too long": 400 context_length_exceeded' },
  long: { usage: '[sim:long]', summary: 'streams about 1 MB of text' },
  thinking: { usage: '[sim:thinking]', summary: 'answers with a <thinking> block first' },
  say: { usage: '[sim:say TEXT]', summary: 'answers exactly TEXT' },
  shell: { usage: '[sim:shell COMMAND]', summary: "runs COMMAND with the agent's shell tool, then reports its output" },
  call: { usage: '[sim:call TOOL {json}]', summary: 'calls the tool TOOL with these arguments' },
  cuttool: { usage: '[sim:cuttool]', summary: 'cuts a tool call off mid-arguments, as Kiro\'s output limit does; asked again, makes a whole smaller call' },
  steps: { usage: '[sim:steps N]', summary: 'a scripted task of N shell round trips (echo step-K), one per turn, then a final answer' },
  redacted: { usage: '[sim:redacted]', summary: 'on a natively reasoning model: thinks in redacted (encrypted) content' },
  websearch: { usage: '[sim:websearch QUERY]', summary: "searches QUERY with the agent's web search tool (loading it with ToolSearch first), then reports what it found" },
  stop: { usage: '[sim:stop REASON]', summary: 'ends with metadataEvent.stopReason REASON (MAX_TOKENS, CONTENT_FILTERED, MODEL_CONTEXT_WINDOW_EXCEEDED, PAUSE_TURN, END_TURN)' },
};

/** The stop reasons Kiro's metadataEvent carries (kiro-protocol.md §9.5). */
export const KIRO_STOP_REASONS = ['END_TURN', 'MAX_TOKENS', 'MODEL_CONTEXT_WINDOW_EXCEEDED', 'CONTENT_FILTERED', 'PAUSE_TURN'] as const;

/** A directive and the text after its name (`[sim:shell echo hi]` → shell, "echo hi"). */
export interface ParsedDirective {
  name: SimDirective;
  argument: string;
}

/** The subset of a body the directives read; only called after validateKiroRequest passed. */
interface CurrentMessage {
  content: string;
  userInputMessageContext?: {
    /** The tools, and maybe a cache checkpoint after them (§9.6). */
    tools?: Array<{ toolSpecification?: ToolSpecification }>;
    toolResults?: ToolResultEntry[];
  };
}
interface ToolSpecification {
  name: string;
  inputSchema: { json: { properties?: Record<string, { type?: unknown }>; required?: string[] } };
}
interface ToolResultEntry {
  content: Array<{ text?: string; json?: unknown }>;
}
interface HistoryEntry {
  userInputMessage?: CurrentMessage;
  assistantResponseMessage?: { content: string; reasoningContent?: unknown; toolUses?: Array<{ name: string }> };
}
interface ValidatedBody {
  conversationState: { currentMessage: { userInputMessage: CurrentMessage }; history?: HistoryEntry[] };
  additionalModelRequestFields?: {
    thinking?: { type?: string; display?: string };
    output_config?: { effort?: string };
  };
}

/** How the gateway asks to go on from a partial turn (src/generation/resume/continuation.ts). */
const CONTINUE_REQUEST = /^Your previous answer was cut off by a network error\. Continue exactly where it stopped/;
/** How the gateway asks again for a tool call Kiro cut off (src/generation/resume/tool-call-recovery.ts). */
const TOOL_CALL_RECOVERY_REQUEST = /^Your previous answer was cut off by the output limit in the middle of the arguments of a tool call/;

const SLOW_FIRST_BYTE_MS = 2_000;
const LONG_REPLY_BYTES = 1_048_576;
const LONG_FRAME_CHARS = 16_384;
const ECHO_CHARS = 200;
const TOOL_OUTPUT_ECHO_CHARS = 400;
/** What agents call their web search tool: Claude Code's WebSearch (deferred: loaded by ToolSearch), OpenCode's websearch, a gateway's web_search. */
const WEB_SEARCH_TOOL = /^(WebSearch|websearch|web_search)$/;
/** What agents call their shell tool: Claude Code, Codex, OpenCode, the Kiro IDE. */
const SHELL_TOOL = /^(bash|shell|shell_command|exec_command|executeBash|local_shell)$/i;
/** The property a shell tool takes its command in. */
const COMMAND_PROPERTIES = ['command', 'cmd'];

/**
 * The last known directive in the text, with its argument (up to the closing bracket): the
 * current message may hold earlier user turns too (an agent's compacted history, merged turns),
 * and the newest one is what the user asks for now.
 */
export function parseDirective(content: string): ParsedDirective | undefined {
  let last: ParsedDirective | undefined;
  for (const match of content.matchAll(/\[sim:([a-z0-9]+)(?:[ \t]+([^\]\n]*))?\]/g)) {
    if ((SIM_DIRECTIVES as readonly string[]).includes(match[1])) last = { name: match[1] as SimDirective, argument: (match[2] ?? '').trim() };
  }
  return last;
}

export function findDirective(content: string): SimDirective | undefined {
  return parseDirective(content)?.name;
}

/**
 * Claude Code's auto mode, deciding locally (CLAUDE_CODE_AUTO_MODE_SERVER=0), asks the model
 * whether the agent's next action is safe, with a system prompt of its own: "You are a security
 * monitor for autonomous AI coding agents", then a transcript (which holds the user's directives,
 * not meant for this call) and the format of the verdict.
 */
const SAFETY_MONITOR = /You are a security monitor for autonomous AI coding agents/;

/**
 * The verdict of a model that finds the action routine: a low `<severity>` (Claude Code 2.1.33x:
 * below 50 allows), or `<block>no</block>` for the older yes/no format.
 */
function safetyVerdict(content: string): string {
  return /<severity>N<\/severity>/.test(content) ? '<severity>5</severity>' : '<block>no</block>';
}

export function scenarioForRequest(body: unknown): Scenario {
  return withNativeReasoning(body as ValidatedBody, directedScenario(body));
}

/**
 * Native reasoning (kiro-protocol.md §9.5): with `thinking.type: "adaptive"` the model thinks
 * first, in signed `reasoningContentEvent`s (`[sim:redacted]`: redacted content only; display
 * `omitted`: the signature without the text). On a tool-continuation turn it keeps thinking only
 * if its last turn's signed reasoning came back in history, as the real model does (K2CC #12).
 */
function withNativeReasoning(body: ValidatedBody, scenario: Scenario): Scenario {
  const fields = body.additionalModelRequestFields;
  if (scenario.kind !== 'stream' || fields?.thinking?.type !== 'adaptive') return scenario;
  const current = body.conversationState.currentMessage.userInputMessage;
  const continuing = (current.userInputMessageContext?.toolResults ?? []).length > 0;
  const lastAssistant = [...(body.conversationState.history ?? [])].reverse().find((entry) => entry.assistantResponseMessage);
  if (continuing && lastAssistant?.assistantResponseMessage?.reasoningContent === undefined) return scenario;
  const situation = continuing ? 'the tool has answered, so I report what it returned.' : 'I answer what the user asked.';
  let thought = reasoningEvents(reasoningText(fields.output_config?.effort, situation), findDirective(current.content) === 'redacted' ? 'redacted' : 'signed');
  if (fields.thinking.display === 'omitted') thought = thought.filter((event) => event.type !== 'reasoning' || event.text === undefined);
  return { ...scenario, events: [...thought, ...scenario.events] };
}

function directedScenario(body: unknown): Scenario {
  const state = (body as ValidatedBody).conversationState;
  const current = state.currentMessage.userInputMessage;
  // The gateway's re-asks, behind the thinking tags it puts first when thinking stays on.
  const asked = current.content.replace(THINKING_CONTROL, '');
  if (CONTINUE_REQUEST.test(asked)) return continuedScenario(state);
  if (TOOL_CALL_RECOVERY_REQUEST.test(asked)) return recoveredToolCallScenario(state);
  // Unscripted answers report what the request really fills of the context (§3.2).
  const usage: TextReplyOptions = { contextUsagePercentage: contextUsagePercentage(body as PromptBody) };
  if (SAFETY_MONITOR.test(current.content)) return textReply(safetyVerdict(current.content), usage);
  // A scripted multi-step task is named once, in the first turn; every later turn carries tool results.
  const directive = parseDirective(current.content) ?? stepsDirective(state.history ?? []);
  switch (directive?.name) {
    case 'websearch':
      return webSearchDirective(state, directive.argument, usage);
    case 'steps':
      return stepsScenario(state, Number(directive.argument) || 1, usage);
    case 'say':
      return textReply(directive.argument, usage);
    case 'shell':
      return shellDirective(current, directive.argument, usage);
    case 'call':
      return callDirective(current, directive.argument, usage);
    case 'cuttool':
      return cutToolDirective(current, directive.argument);
    case 'stop':
      return stopDirective(directive.argument, usage);
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
    case 'redacted':
      return friendlyReply(current, usage);
    case undefined:
      return forcedToolCall(state, usage) ?? friendlyReply(current, usage);
  }
}

/** The gateway's rendering of a forced tool_choice (Kiro has none): in the system text, which leads the first turn. */
const FORCED_TOOL = /You must call the tool "([^"]+)" in your reply\./;
const ANY_TOOL_REQUIRED = /You must call at least one of the available tools in your reply\./;

/**
 * A model obeys a forced tool choice: on a turn without tool results it calls the named tool (or
 * the first declared one, for "at least one"), with arguments sampled from its schema, as
 * LangChain's and the AI SDK's structured output through a forced tool expect.
 */
function forcedToolCall(state: ValidatedBody['conversationState'], usage: TextReplyOptions): Scenario | undefined {
  const current = state.currentMessage.userInputMessage;
  if ((current.userInputMessageContext?.toolResults ?? []).length > 0) return undefined;
  const system = state.history?.[0]?.userInputMessage?.content ?? current.content;
  const named = FORCED_TOOL.exec(system)?.[1];
  if (named === undefined && !ANY_TOOL_REQUIRED.test(system)) return undefined;
  const tools = declaredTools(current);
  const tool = named === undefined ? tools[0] : tools.find((candidate) => candidate.name === named);
  if (!tool) return undefined;
  return sampleCall(tool, usage);
}

/**
 * Asked to go on from a partial turn, the simulator answers the turn it was cut off in again,
 * from its start: a model that restates what it already wrote, which the gateway must drop.
 * Thinking only if the continuation itself asks for it.
 */
function continuedScenario(state: ValidatedBody['conversationState']): Scenario {
  const history = state.history ?? [];
  const asked = history.at(-2)?.userInputMessage;
  const current = state.currentMessage.userInputMessage;
  if (!asked) return textReply('Nothing to continue.');
  const content = THINKING_CONTROL.test(current.content) ? asked.content : asked.content.replace(THINKING_CONTROL, '');
  const original: ValidatedBody = {
    conversationState: {
      history: history.slice(0, -2),
      currentMessage: {
        userInputMessage: { ...asked, content, userInputMessageContext: { ...asked.userInputMessageContext, tools: current.userInputMessageContext?.tools } },
      },
    },
  };
  return scenarioForRequest(original);
}

/** `[sim:steps N]` or `[sim:websearch …]` in an earlier user turn of the conversation: tasks of several turns. */
function stepsDirective(history: readonly HistoryEntry[]): ParsedDirective | undefined {
  for (const entry of history) {
    const directive = entry.userInputMessage && parseDirective(entry.userInputMessage.content);
    if (directive?.name === 'steps' || directive?.name === 'websearch') return directive;
  }
  return undefined;
}

/**
 * `[sim:websearch QUERY]`: the model searches with the agent's web search tool, as a real model
 * does: Claude Code declares its WebSearch deferred, so the model loads it with ToolSearch
 * (`select:WebSearch`) first, then calls it; once the search has answered, it reports what came back.
 */
function webSearchDirective(state: ValidatedBody['conversationState'], query: string, usage: TextReplyOptions): Scenario {
  const current = state.currentMessage.userInputMessage;
  const lastCall = [...(state.history ?? [])].reverse().find((entry) => entry.assistantResponseMessage)?.assistantResponseMessage?.toolUses?.at(-1)?.name;
  if (lastCall !== undefined && WEB_SEARCH_TOOL.test(lastCall)) return friendlyReply(current, usage);
  const tools = declaredTools(current);
  const search = tools.find((spec) => WEB_SEARCH_TOOL.test(spec.name));
  if (search) return toolCallReply(newToolUseId(), search.name, JSON.stringify({ query: query || 'kiro gateway' }), { ...usage, fragments: 2, leadingText: 'Searching the web. ' });
  const toolSearch = tools.find((spec) => spec.name === 'ToolSearch');
  if (toolSearch && lastCall !== 'ToolSearch') return toolCallReply(newToolUseId(), toolSearch.name, JSON.stringify({ query: 'select:WebSearch', max_results: 1 }), { ...usage, fragments: 2 });
  return textReply('[sim:websearch] needs a web search tool (WebSearch, websearch, web_search) among the declared tools.', usage);
}

/**
 * `[sim:steps N]`: a scripted task of N shell round trips, one per turn (`echo step-K`), then
 * a final answer quoting the last output: an agent session of N + 1 requests.
 */
function stepsScenario(state: ValidatedBody['conversationState'], steps: number, usage: TextReplyOptions): Scenario {
  const current = state.currentMessage.userInputMessage;
  const results = [...(state.history ?? []).map((entry) => entry.userInputMessage), current].flatMap((message) => message?.userInputMessageContext?.toolResults ?? []);
  if (results.length >= steps) {
    const last = results.at(-1)?.content.map((block) => block.text ?? '').join('').trim() ?? '';
    return textReply(`Completed ${steps} steps; the last output was "${splitCodePoints(last, TOOL_OUTPUT_ECHO_CHARS)[0] ?? ''}".`, usage);
  }
  return shellDirective(current, `echo step-${results.length + 1}`, usage, `Step ${results.length + 1} of ${steps}: running it. `);
}

function friendlyReply(current: CurrentMessage, usage: TextReplyOptions): StreamScenario {
  // Gateways ask for reasoning with tags ahead of the user's text (kiro-protocol.md §2.5 #13):
  // like the real model, think first when asked, and never echo the control tags.
  const thinkingRequested = THINKING_CONTROL.test(current.content);
  // Asked for structured output (the gateway's instruction on the turn): JSON only, as a model does.
  const json = jsonAnswerFor(current.content);
  if (json !== undefined) return textReply(json, usage);
  const results = current.userInputMessageContext?.toolResults ?? [];
  if (results.length > 0) {
    // An agent's tool loop: the answer repeats what the tool returned, so a test can see the
    // command's output travel agent → gateway → Kiro → gateway → agent.
    const output = results.map((result) => result.content.map((block) => block.text ?? JSON.stringify(block.json)).join('\n')).join('\n');
    const echo = splitCodePoints(output.trim(), TOOL_OUTPUT_ECHO_CHARS)[0] ?? '';
    const thinking = thinkingRequested ? '<thinking>The tool has answered; I will report what it returned.</thinking>\n\n' : '';
    return textReply(`${thinking}Hello from the Kiro simulator! I received ${results.length} tool result(s): "${echo}"`, usage);
  }
  const said = current.content.replace(THINKING_CONTROL, '').trim();
  // Code points, not UTF-16 units, so an emoji at the cut is never split into a lone surrogate.
  const echo = splitCodePoints(said, ECHO_CHARS)[0] ?? '';
  const thinking = thinkingRequested ? '<thinking>The user greeted the simulator; I will echo what they said.</thinking>\n\n' : '';
  return textReply(`${thinking}Hello from the Kiro simulator! You said: "${echo}"`, usage);
}

/** Calls the first declared tool, with its required properties filled from the schema types. */
function toolDirective(current: CurrentMessage, usage: TextReplyOptions): Scenario {
  const tool = declaredTools(current)[0];
  if (!tool) return textReply('[sim:tool] needs at least one declared tool in the request.', usage);
  return sampleCall(tool, usage);
}

/** A call of `tool` with its required properties filled from the schema types. */
function sampleCall(tool: ToolSpecification, usage: TextReplyOptions): Scenario {
  return toolCallReply(newToolUseId(), tool.name, JSON.stringify(sampleArguments(tool)), { ...usage, fragments: 3 });
}

const newToolUseId = () => `tooluse_${randomBytes(16).toString('base64url').slice(0, 22)}`;

function declaredTools(current: CurrentMessage): ToolSpecification[] {
  return (current.userInputMessageContext?.tools ?? []).flatMap((tool) => (tool.toolSpecification ? [tool.toolSpecification] : []));
}

/** Arguments for every required property of a schema, from its types. */
function sampleArguments(tool: ToolSpecification): Record<string, unknown> {
  const schema = tool.inputSchema.json;
  const args: Record<string, unknown> = {};
  for (const name of schema.required ?? []) args[name] = sampleValue(schema.properties?.[name]?.type, name);
  return args;
}

/** `[sim:shell CMD]`: the model runs CMD with the agent's own shell tool, as a real model would. */
function shellDirective(current: CurrentMessage, command: string, usage: TextReplyOptions, leadingText = 'Running the command. '): Scenario {
  const tool = declaredTools(current).find((spec) => SHELL_TOOL.test(spec.name));
  if (!tool) return textReply('[sim:shell] needs a shell tool (Bash, exec_command, bash, shell) among the declared tools.', usage);
  const properties = tool.inputSchema.json.properties ?? {};
  const property = COMMAND_PROPERTIES.find((name) => name in properties) ?? 'command';
  const args = sampleArguments(tool);
  // Older shells take argv (`["bash", "-lc", "…"]`), the current ones a command line.
  args[property] = properties[property]?.type === 'array' ? ['bash', '-lc', command] : command;
  if ('description' in properties) args.description = 'Run the command the simulator was asked to run';
  const thinking = THINKING_CONTROL.test(current.content) ? '<thinking>The user wants a command run; I will use the shell tool.</thinking>\n\n' : '';
  return toolCallReply(newToolUseId(), tool.name, JSON.stringify(args), { ...usage, fragments: 3, leadingText: `${thinking}${leadingText}` });
}

/** `[sim:call NAME {json}]`: the model calls the tool Kiro knows as NAME with these arguments. */
function callDirective(current: CurrentMessage, argument: string, usage: TextReplyOptions): Scenario {
  const [name, ...rest] = argument.split(/\s+/);
  const tool = declaredTools(current).find((spec) => spec.name === name);
  if (!tool) return textReply(`[sim:call] names "${name}", which the request does not declare.`, usage);
  const json = rest.join(' ').trim() || JSON.stringify(sampleArguments(tool));
  return toolCallReply(newToolUseId(), tool.name, json, { ...usage, fragments: 3 });
}

/**
 * `[sim:cuttool]`: Kiro's output limit hits inside a tool call's arguments (kiro-protocol.md
 * §9.8 case 1): text, then the call's name and part of its input, no `stop`, and no
 * contextUsageEvent or meteringEvent after it. `[sim:cuttool TOOL {json}]` cuts that call.
 */
function cutToolDirective(current: CurrentMessage, argument: string): Scenario {
  const call = cutToolCall(current, argument);
  if (typeof call === 'string') return textReply(call);
  const cut = call.json.slice(0, Math.floor(call.json.length / 2));
  const toolUseId = newToolUseId();
  return {
    kind: 'stream',
    events: [
      ...textEvents('I will write the whole file in one call. '),
      { type: 'toolUse', toolUseId, name: call.tool },
      ...splitCodePoints(cut, Math.ceil(cut.length / 3)).map((input): SimEvent => ({ type: 'toolUse', toolUseId, name: call.tool, input })),
    ],
  };
}

/** The call `[sim:cuttool]` makes: the shell tool (else the first declared) with a content field, or TOOL {json}. */
function cutToolCall(current: CurrentMessage, argument: string): { tool: string; json: string; smaller: string } | string {
  const tools = declaredTools(current);
  if (argument !== '' && argument !== 'always') {
    const [name, ...rest] = argument.split(/\s+/);
    if (!tools.some((spec) => spec.name === name)) return `[sim:cuttool] names "${name}", which the request does not declare.`;
    const json = rest.join(' ').trim();
    return { tool: name, json, smaller: json };
  }
  const tool = tools.find((spec) => SHELL_TOOL.test(spec.name)) ?? tools[0];
  if (!tool) return '[sim:cuttool] needs at least one declared tool in the request.';
  return { tool: tool.name, json: JSON.stringify({ ...sampleArguments(tool), content: 'x'.repeat(200) }), smaller: JSON.stringify({ ...sampleArguments(tool), content: 'x'.repeat(100) }) };
}

/**
 * Asked again for the call it cut off, in smaller calls: the model makes a whole call that fits
 * (`[sim:cuttool TOOL {json}]`: that call, whole), or, for `[sim:cuttool always]`, is cut off again.
 * Any other turn asked for again is answered as it was.
 */
function recoveredToolCallScenario(state: ValidatedBody['conversationState']): Scenario {
  const history = state.history ?? [];
  const asked = history.at(-2)?.userInputMessage;
  const current = state.currentMessage.userInputMessage;
  if (!asked) return textReply('Nothing to make again.');
  const directive = parseDirective(asked.content);
  const withTools: CurrentMessage = { ...asked, userInputMessageContext: { ...asked.userInputMessageContext, tools: current.userInputMessageContext?.tools } };
  if (directive?.name !== 'cuttool') return continuedScenario(state);
  if (directive.argument === 'always') return cutToolDirective(withTools, directive.argument);
  const call = cutToolCall(withTools, directive.argument);
  if (typeof call === 'string') return textReply(call);
  return toolCallReply(newToolUseId(), call.tool, call.smaller, { fragments: 3, leadingText: 'Here it is in a smaller call. ' });
}

/**
 * `[sim:stop REASON]`: a short answer that Kiro ends with `metadataEvent.stopReason` REASON
 * (kiro-protocol.md §9.5), then the usage and metering events.
 */
function stopDirective(argument: string, usage: TextReplyOptions): Scenario {
  const stopReason = argument.trim().toUpperCase();
  if (!(KIRO_STOP_REASONS as readonly string[]).includes(stopReason)) return textReply(`[sim:stop] takes one of ${KIRO_STOP_REASONS.join(', ')}.`, usage);
  const text = stopReason === 'CONTENT_FILTERED' ? 'I can start on that, but' : 'This answer ends with the stop reason the simulator was asked for';
  return {
    kind: 'stream',
    events: [
      ...textEvents(text),
      { type: 'metadata', stopReason },
      ...usageEvents(usage.contextUsagePercentage, usage.meteringUsage),
    ],
  };
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
