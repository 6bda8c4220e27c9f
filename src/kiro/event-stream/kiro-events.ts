import { isJsonObject, type JsonObject } from '../../common/json';
import type { EventStreamFrame } from './frame-decoder';
import { InvalidFrameError } from './invalid-frame.error';

/**
 * What Kiro says in a stream, typed and free of any client's shapes (kiro-protocol.md §3.2).
 * Every front end (OpenAI chat, Anthropic messages, Responses) reads these.
 */
export type KiroEvent =
  | { kind: 'text'; text: string }
  | { kind: 'toolUse'; toolUseId: string; name: string; input?: string | Record<string, unknown>; stop: boolean }
  | { kind: 'reasoning'; text: string; signature?: string; redacted?: string }
  | { kind: 'contextUsage'; percentage: number }
  | { kind: 'metering'; credits: number }
  | { kind: 'metadata'; stopReason?: string; usage?: KiroTokenUsage }
  /** `exception` / `error` frames: the upstream failed after the HTTP 200. */
  | { kind: 'exception'; exceptionType: string; message: string }
  /** Events that must never reach a client (follow-up prompts, web links, unknown types). */
  | { kind: 'ignored'; eventType: string };

export interface KiroTokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** Frames are CRC-checked, so their bytes are what Kiro sent: decode without a second pass. */
function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export function toKiroEvent(frame: EventStreamFrame): KiroEvent {
  const messageType = frame.headers[':message-type'] ?? 'event';
  if (messageType === 'exception' || messageType === 'error') return toException(frame, messageType);

  const eventType = frame.headers[':event-type'] ?? '';
  switch (eventType) {
    case 'assistantResponseEvent':
    case 'codeEvent': {
      const payload = parsePayload(frame, eventType);
      // A follow-up suggestion rides on the same event type; it is not part of the answer.
      if (payload.followupPrompt !== undefined || typeof payload.content !== 'string') return { kind: 'ignored', eventType };
      return { kind: 'text', text: payload.content };
    }
    case 'toolUseEvent': {
      const payload = parsePayload(frame, eventType);
      if (typeof payload.toolUseId !== 'string' || typeof payload.name !== 'string') {
        throw new InvalidFrameError(`toolUseEvent without toolUseId/name: ${truncate(JSON.stringify(payload))}`);
      }
      const input = payload.input;
      return {
        kind: 'toolUse',
        toolUseId: payload.toolUseId,
        name: payload.name,
        input: typeof input === 'string' || isJsonObject(input) ? input : undefined,
        stop: payload.stop === true,
      };
    }
    case 'reasoningContentEvent': {
      const payload = parsePayload(frame, eventType);
      return {
        kind: 'reasoning',
        text: typeof payload.text === 'string' ? payload.text : '',
        signature: optionalString(payload.signature),
        redacted: optionalString(payload.redactedContent),
      };
    }
    case 'contextUsageEvent': {
      const payload = parsePayload(frame, eventType);
      return { kind: 'contextUsage', percentage: Number(payload.contextUsagePercentage) || 0 };
    }
    case 'meteringEvent': {
      const payload = parsePayload(frame, eventType);
      // Credits only add up: anything but a finite, non-negative number counts as none.
      const credits = optionalNumber(payload.usage);
      return { kind: 'metering', credits: credits !== undefined && credits > 0 ? credits : 0 };
    }
    case 'messageMetadataEvent':
    case 'metadataEvent': {
      const payload = parsePayload(frame, eventType);
      const usage = isJsonObject(payload.tokenUsage) ? payload.tokenUsage : undefined;
      return {
        kind: 'metadata',
        stopReason: optionalString(payload.stopReason),
        usage: usage && {
          inputTokens: optionalNumber(usage.uncachedInputTokens),
          outputTokens: optionalNumber(usage.outputTokens),
          cacheReadInputTokens: optionalNumber(usage.cacheReadInputTokens),
          cacheWriteInputTokens: optionalNumber(usage.cacheWriteInputTokens),
        },
      };
    }
    default:
      return { kind: 'ignored', eventType };
  }
}

function toException(frame: EventStreamFrame, messageType: string): KiroEvent {
  const exceptionType = frame.headers[':exception-type'] ?? frame.headers[':error-code'] ?? messageType;
  let message = frame.headers[':error-message'] ?? '';
  try {
    const payload = JSON.parse(utf8(frame.payload)) as unknown;
    if (isJsonObject(payload) && typeof payload.message === 'string') message = payload.message;
  } catch {
    // An exception whose body is not JSON still carries its type; the message stays as it was.
  }
  return { kind: 'exception', exceptionType, message: message || exceptionType };
}

function parsePayload(frame: EventStreamFrame, eventType: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(utf8(frame.payload));
  } catch (err) {
    throw new InvalidFrameError(`${eventType} payload is not UTF-8 JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(value)) throw new InvalidFrameError(`${eventType} payload is not a JSON object`);
  return value;
}


function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
