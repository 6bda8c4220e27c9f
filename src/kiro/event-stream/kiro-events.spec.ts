import { encodeEvent } from '../../../test/simulator/event-stream-encoder';
import { FrameDecoder } from './frame-decoder';
import { toKiroEvent } from './kiro-events';

function decoded(eventType: string, payload: unknown) {
  const [frame] = new FrameDecoder().push(encodeEvent(eventType, payload));
  return toKiroEvent(frame);
}

describe(toKiroEvent.name, () => {
  it('reads a meteringEvent as its credits', () => {
    expect(decoded('meteringEvent', { usage: 0.0169, unit: 'credit', unitPlural: 'credits' })).toStrictEqual({ kind: 'metering', credits: 0.0169 });
  });

  it.each([[-1], ['0.5'], [null], [1e400]])('counts a meteringEvent whose usage is %p as no credits', (usage) => {
    expect(decoded('meteringEvent', { usage, unit: 'credit' })).toStrictEqual({ kind: 'metering', credits: 0 });
  });

  it('reads metadataEvent.stopReason as Kiro sent it', () => {
    expect(decoded('metadataEvent', { stopReason: 'CONTENT_FILTERED' })).toStrictEqual({ kind: 'metadata', stopReason: 'CONTENT_FILTERED', usage: undefined });
  });
});
