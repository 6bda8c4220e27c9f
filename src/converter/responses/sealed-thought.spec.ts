import { decodeThought, encodeThought } from './sealed-thought';

describe('sealed thoughts', () => {
  it('keeps an unsigned thought as plain text, as earlier releases sealed it', () => {
    expect(encodeThought({ text: 'Plan.' })).toBe('Plan.');
    expect(decodeThought('Plan.')).toEqual({ text: 'Plan.' });
  });

  it('round-trips a signed thought', () => {
    const thought = { text: 'Plan.', signed: { text: 'Plan.', signature: 'sig' } };

    expect(decodeThought(encodeThought(thought))).toEqual(thought);
  });

  it('round-trips redacted reasoning', () => {
    const thought = { text: '', signed: { redacted: 'b3BhcXVl' } };

    expect(decodeThought(encodeThought(thought))).toEqual(thought);
  });

  it('reads a damaged structured thought as nothing rather than as text', () => {
    expect(decodeThought('\u0000signed\u0000{not json')).toEqual({ text: '' });
  });
});
