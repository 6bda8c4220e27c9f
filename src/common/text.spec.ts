import { forLog, truncate } from './text';

describe(truncate.name, () => {
  it('keeps a short text as it is', () => {
    expect(truncate('short', 10)).toBe('short');
  });

  it('cuts a long text, marking the cut', () => {
    expect(truncate('abcdefghij', 4)).toBe('abcd…');
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    expect(truncate('abc😀def', 4)).toBe('abc…');
  });
});

describe(forLog.name, () => {
  it('cuts a client string to the length given', () => {
    expect(forLog('x'.repeat(1_000_000), 40)).toBe(`${'x'.repeat(40)}…`);
  });

  it('escapes newlines and other control characters, so a string cannot forge a log line', () => {
    expect(forLog('audio"\n[12:00:00] INFO: forged\r\u0007', 100)).toBe('audio"\\u000a[12:00:00] INFO: forged\\u000d\\u0007');
  });
});
