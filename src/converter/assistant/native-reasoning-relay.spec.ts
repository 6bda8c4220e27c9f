import { MAX_SIGNATURE_CHARS, NativeReasoningRelay } from './native-reasoning-relay';

const reasoning = (fields: { text?: string; signature?: string; redacted?: string }) => ({ kind: 'reasoning' as const, text: fields.text ?? '', ...fields });

describe(NativeReasoningRelay.name, () => {
  it('passes text deltas on at once', () => {
    const relay = new NativeReasoningRelay();

    expect(relay.process(reasoning({ text: 'Let me ' }))).toEqual([{ type: 'reasoning', text: 'Let me ' }]);
    expect(relay.process(reasoning({ text: 'think.' }))).toEqual([{ type: 'reasoning', text: 'think.' }]);
  });

  it('joins a signature split across events and passes it on when the thought ends', () => {
    const relay = new NativeReasoningRelay();
    relay.process(reasoning({ text: 'Plan.' }));

    expect(relay.process(reasoning({ signature: 'abc' }))).toEqual([]);
    expect(relay.process(reasoning({ signature: 'def' }))).toEqual([]);
    expect(relay.close()).toEqual([{ type: 'reasoningSignature', signature: 'abcdef' }]);
    expect(relay.close()).toEqual([]);
  });

  it('closes a signed thought when the text of a new one starts', () => {
    const relay = new NativeReasoningRelay();
    relay.process(reasoning({ text: 'One.' }));
    relay.process(reasoning({ signature: 's1' }));

    expect(relay.process(reasoning({ text: 'Two.' }))).toEqual([
      { type: 'reasoningSignature', signature: 's1' },
      { type: 'reasoning', text: 'Two.' },
    ]);
  });

  it('passes redacted content on as it is', () => {
    expect(new NativeReasoningRelay().process(reasoning({ redacted: 'b3BhcXVl' }))).toEqual([{ type: 'redactedReasoning', data: 'b3BhcXVl' }]);
  });

  it('drops a signature over the bound rather than growing without limit', () => {
    const relay = new NativeReasoningRelay();
    relay.process(reasoning({ signature: 'x'.repeat(MAX_SIGNATURE_CHARS) }));
    relay.process(reasoning({ signature: 'y' }));
    relay.process(reasoning({ signature: 'z' }));

    expect(relay.close()).toEqual([]);
  });
});
