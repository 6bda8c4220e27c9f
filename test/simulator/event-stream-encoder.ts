import { EventStreamCodec, type MessageHeaders } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/**
 * Encodes Kiro's binary event-stream frames (protocol §3.1) with smithy's codec, so the CRCs and
 * header layout are the real AWS ones. Every header Kiro sends is a string (type 7), and the
 * codec writes headers in object insertion order, so the literal key order below IS the wire order.
 */
const codec = new EventStreamCodec(toUtf8, fromUtf8);

export const KIRO_EVENT_CONTENT_TYPE = 'application/json';

function stringHeaders(pairs: ReadonlyArray<readonly [string, string]>): MessageHeaders {
  const headers: MessageHeaders = {};
  for (const [name, value] of pairs) headers[name] = { type: 'string', value };
  return headers;
}

/**
 * Serialises a payload exactly as the captures do: JSON.stringify's escaping (raw UTF-8 for CJK,
 * `\"` and `\n` escaped, `&` left alone) re-encodes every fixture frame byte for byte.
 */
function jsonBytes(payload: unknown): Uint8Array {
  const text = JSON.stringify(payload);
  if (text === undefined) throw new TypeError('event payload must be JSON-serialisable');
  return fromUtf8(text);
}

/** A normal event frame; header order `:event-type`, `:content-type`, `:message-type` as captured (§3.1). */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: stringHeaders([
      [':event-type', eventType],
      [':content-type', KIRO_EVENT_CONTENT_TYPE],
      [':message-type', 'event'],
    ]),
    body: jsonBytes(payload),
  });
}

/** A modelled mid-stream exception (§3.3), e.g. ThrottlingException; the HTTP status is already 200. */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: stringHeaders([
      [':exception-type', exceptionType],
      [':content-type', KIRO_EVENT_CONTENT_TYPE],
      [':message-type', 'exception'],
    ]),
    body: jsonBytes({ message }),
  });
}

/**
 * An unmodelled AWS error frame. AWS puts code and message in headers and sends an empty
 * payload, so decoders must not assume every frame body is JSON.
 */
export function encodeError(code: string, message: string): Uint8Array {
  return codec.encode({
    headers: stringHeaders([
      [':message-type', 'error'],
      [':error-code', code],
      [':error-message', message],
    ]),
    body: new Uint8Array(0),
  });
}
