export { KiroClientModule } from './kiro-client.module';
export { KiroClient, type GenerateOptions, type KiroEventStream } from './kiro-client.service';
export type { KiroSession, KiroUpstream } from './kiro-session';
export type { KiroModelInfo } from './kiro-models';
export type * from './kiro-request';
export { mapKiroStreamException, type KiroStreamOutcome } from './kiro-errors';
export type { KiroEvent } from './event-stream';
export { KIRO_IDE_VERSION } from './kiro-headers';
