/**
 * Data-only scripts of what one chat call answers, plus builders for the common ones.
 * Error bodies are the real ones from protocol §3.4 and §8.
 */

export type SimEvent =
  | { type: 'text'; content: string }
  | { type: 'toolUse'; toolUseId: string; name: string; input?: string | Record<string, unknown>; stop?: boolean }
  /** reasoningContentEvent (§9.5): a text delta, a piece of the signature, or redacted content. */
  | { type: 'reasoning'; text?: string; signature?: string; redactedContent?: string }
  /** metadataEvent (§9.5, §9.6): the stop reason and Kiro's own token usage. */
  | { type: 'metadata'; stopReason?: string; tokenUsage?: Record<string, number> }
  | { type: 'contextUsage'; percentage: number }
  | { type: 'metering'; usage: number }
  /** An assistantResponseEvent carrying followupPrompt: gateways must drop the whole event (§3.2). */
  | { type: 'followupPrompt'; content: string }
  | { type: 'unknown'; eventType: string; payload: unknown }
  | { type: 'exception'; exceptionType: string; message: string }
  | { type: 'error'; code: string; message: string };

export interface StreamScenario {
  kind: 'stream';
  events: SimEvent[];
  /** Delay before the first frame, after the 200 status and headers have been flushed. */
  firstByteDelayMs?: number;
  /** Delay before even the 200 status line and headers. */
  headersDelayMs?: number;
  /** Delay between frames; only applies with split 'frame'. */
  frameDelayMs?: number;
  /**
   * How bytes are written: one write per frame (default), everything in one write, or
   * fixed-size pieces (crossing frame boundaries) with a setImmediate gap between writes.
   */
  split?: 'frame' | 'whole' | { everyBytes: number };
  /** Destroy the socket after N frames: a connection cut mid-stream. */
  cutAfterFrames?: number;
  /** Stop sending after N frames but keep the socket open: for idle timeouts. */
  hangAfterFrames?: number;
}

export interface HttpErrorScenario {
  kind: 'http-error';
  status: number;
  /** Sent as JSON, or as-is when it is a string. */
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** Never answer: for first-byte timeouts. */
export interface HangScenario {
  kind: 'hang';
}

/**
 * Close the connection without a byte of an answer: what a client sees when it writes a request on
 * a kept-alive connection the server (or a load balancer) has just closed as idle.
 */
export interface DropScenario {
  kind: 'drop';
}

export type Scenario = StreamScenario | HttpErrorScenario | HangScenario | DropScenario;

export interface TextReplyOptions {
  /** Code points per text frame; the captures show 1-4 CJK characters or a few words per frame. */
  chunkChars?: number;
  contextUsagePercentage?: number;
  meteringUsage?: number;
}

export interface ToolCallReplyOptions {
  /** How many string fragments the input JSON arrives in (§3.2). */
  fragments?: number;
  /** Text streamed before the tool call, as the model often explains first. */
  leadingText?: string;
  contextUsagePercentage?: number;
  meteringUsage?: number;
}

const DEFAULT_CHUNK_CHARS = 8;
const DEFAULT_CONTEXT_USAGE = 1.25;
const DEFAULT_METERING_USAGE = 0.01;

/** Splits by code points, so a surrogate pair (emoji) is never cut in half. */
export function splitCodePoints(text: string, piecesOf: number): string[] {
  const size = Math.max(1, Math.floor(piecesOf));
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(''));
  return pieces;
}

export function textEvents(text: string, chunkChars = DEFAULT_CHUNK_CHARS): SimEvent[] {
  return splitCodePoints(text, chunkChars).map((content) => ({ type: 'text', content }));
}

/** A normal stream ends with contextUsageEvent then meteringEvent (§3.2). */
export function usageEvents(contextUsagePercentage?: number, meteringUsage?: number): SimEvent[] {
  return [
    { type: 'contextUsage', percentage: contextUsagePercentage ?? DEFAULT_CONTEXT_USAGE },
    { type: 'metering', usage: meteringUsage ?? DEFAULT_METERING_USAGE },
  ];
}

export function textReply(text: string, opts: TextReplyOptions = {}): StreamScenario {
  return {
    kind: 'stream',
    events: [...textEvents(text, opts.chunkChars), ...usageEvents(opts.contextUsagePercentage, opts.meteringUsage)],
  };
}

/** Tool-call events as Kiro streams them (§3.2): name+id, then input string fragments, then stop. */
export function toolCallEvents(toolUseId: string, name: string, argsJson: string, fragments = 3): SimEvent[] {
  const points = Array.from(argsJson);
  const pieces = splitCodePoints(argsJson, Math.ceil(points.length / Math.max(1, fragments)));
  return [
    { type: 'toolUse', toolUseId, name },
    ...pieces.map((input): SimEvent => ({ type: 'toolUse', toolUseId, name, input })),
    { type: 'toolUse', toolUseId, name, stop: true },
  ];
}

export function toolCallReply(
  toolUseId: string,
  name: string,
  argsJson: string,
  opts: ToolCallReplyOptions = {},
): StreamScenario {
  return {
    kind: 'stream',
    events: [
      ...(opts.leadingText ? textEvents(opts.leadingText) : []),
      ...toolCallEvents(toolUseId, name, argsJson, opts.fragments),
      ...usageEvents(opts.contextUsagePercentage, opts.meteringUsage),
    ],
  };
}

function httpError(status: number, message: string, reason: string | null, errorType?: string): HttpErrorScenario {
  return {
    kind: 'http-error',
    status,
    body: { message, reason },
    ...(errorType ? { headers: { 'x-amzn-errortype': errorType } } : {}),
  };
}

export const throttled = (): HttpErrorScenario =>
  httpError(429, 'Too many requests, please wait before trying again.', 'SERVICE_REQUEST_RATE_EXCEEDED', 'ThrottlingException');

export const serverError = (): HttpErrorScenario =>
  httpError(500, 'Encountered an unexpected error when processing the request, please try again.', null, 'InternalServerException');

export const contextTooLong = (): HttpErrorScenario =>
  httpError(400, 'Input is too long.', 'CONTENT_LENGTH_EXCEEDS_THRESHOLD', 'ValidationException');

export const quotaExceeded = (): HttpErrorScenario =>
  httpError(402, "You've reached your monthly usage limit. Upgrade your plan to keep going.", 'MONTHLY_REQUEST_COUNT', 'ServiceQuotaExceededException');

export const suspended = (): HttpErrorScenario =>
  httpError(
    403,
    "Your User ID (d-9067c1a2b3.4478f4a8-0011-70ab-9c2e-5d1f6e7a8b90) temporarily is suspended. We've locked your account as a security precaution. Please contact support.",
    'TEMPORARILY_SUSPENDED',
    'AccessDeniedException',
  );

/** The one 403 a refresh fixes (§3.4). The simulator also answers it for unknown or expired tokens. */
export const bearerTokenInvalid = (): HttpErrorScenario =>
  httpError(403, 'The bearer token included in the request is invalid.', null, 'AccessDeniedException');
