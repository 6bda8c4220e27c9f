import type { RequestLogEntry } from './request-log-entry';

/** A complete log entry for the specs, with `overrides` over its fields. */
export function sampleEntry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    requestId: 'req-1',
    at: 1_000,
    method: 'POST',
    route: '/v1/messages',
    status: 200,
    clientClosed: false,
    durationMs: 10,
    ttftMs: 5,
    callerKind: 'key',
    caller: 'default',
    modelAsked: 'm',
    modelUsed: 'm',
    stream: false,
    account: 'a',
    attempts: ['a'],
    inputTokens: 1,
    outputTokens: 1,
    cachedTokens: null,
    credits: 0.1,
    errorKind: null,
    errorMessage: null,
    ...overrides,
  };
}
