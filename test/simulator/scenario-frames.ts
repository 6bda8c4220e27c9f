import { encodeError, encodeEvent, encodeException } from './event-stream-encoder';
import type { SimEvent, StreamScenario } from './scenarios';

/** The wire frame for one scripted event; payload key order follows the captures (§3.2, §6). */
export function encodeSimEvent(event: SimEvent): Uint8Array {
  switch (event.type) {
    case 'text':
      return encodeEvent('assistantResponseEvent', { content: event.content });
    case 'toolUse': {
      const payload: Record<string, unknown> = { name: event.name, toolUseId: event.toolUseId };
      if (event.input !== undefined) payload.input = event.input;
      if (event.stop) payload.stop = true;
      return encodeEvent('toolUseEvent', payload);
    }
    case 'reasoning': {
      const payload: Record<string, unknown> = {};
      if (event.text !== undefined) payload.text = event.text;
      if (event.signature !== undefined) payload.signature = event.signature;
      if (event.redactedContent !== undefined) payload.redactedContent = event.redactedContent;
      return encodeEvent('reasoningContentEvent', payload);
    }
    case 'metadata':
      return encodeEvent('metadataEvent', { ...(event.stopReason ? { stopReason: event.stopReason } : {}), ...(event.tokenUsage ? { tokenUsage: event.tokenUsage } : {}) });
    case 'contextUsage':
      return encodeEvent('contextUsageEvent', { contextUsagePercentage: event.percentage });
    case 'metering':
      return encodeEvent('meteringEvent', { usage: event.usage, unit: 'credit', unitPlural: 'credits' });
    case 'followupPrompt':
      // Carries `content` too, so a gateway that forgets to skip followups leaks visible text.
      return encodeEvent('assistantResponseEvent', {
        content: event.content,
        followupPrompt: { content: event.content, userIntent: 'SUGGEST_ALTERNATE_IMPLEMENTATION' },
      });
    case 'unknown':
      return encodeEvent(event.eventType, event.payload);
    case 'exception':
      return encodeException(event.exceptionType, event.message);
    case 'error':
      return encodeError(event.code, event.message);
  }
}

/**
 * Frames are encoded once per events array and reused, so a benchmark that replays one
 * scenario pays no encoding (and no CRC) cost on the hot path.
 */
const frameCache = new WeakMap<readonly SimEvent[], readonly Uint8Array[]>();

export function framesOf(scenario: StreamScenario): readonly Uint8Array[] {
  let frames = frameCache.get(scenario.events);
  if (!frames) {
    frames = scenario.events.map(encodeSimEvent);
    frameCache.set(scenario.events, frames);
  }
  return frames;
}

export function concatBytes(chunks: readonly Uint8Array[]): Buffer {
  return Buffer.concat(chunks);
}
