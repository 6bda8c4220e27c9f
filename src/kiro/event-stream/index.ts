export { decodeEventStream } from './decode-event-stream';
export { firstContentWithin, isContentEvent } from './first-content-within';
export { FrameDecoder, type EventStreamFrame } from './frame-decoder';
export { InvalidFrameError } from './invalid-frame.error';
export { toKiroEvent, type KiroEvent, type KiroTokenUsage } from './kiro-events';
