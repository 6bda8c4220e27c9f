export { KiroClientModule } from './kiro-client.module';
export { KiroClient, type KiroCall, type KiroPayload, type KiroResponseStream } from './kiro-client.service';
export type { KiroSession, KiroUpstream } from './kiro-session';
export type { KiroModelInfo } from './kiro-models';
export type * from './kiro-request';
export { FirstTokenTimeoutError, mapKiroStreamException, type KiroStreamOutcome } from './kiro-errors';
export { decodeEventStream, firstContentWithin, type KiroEvent } from './event-stream';
export { KIRO_IDE_VERSION } from './kiro-headers';
export { KiroWebSearch, MAX_QUERY_CHARS, WebSearchUnavailableError, type WebSearchHit, type WebSearchOutcome } from './web-search';
