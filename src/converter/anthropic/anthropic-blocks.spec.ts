import { listSome, summariseDropped } from './anthropic-blocks';

describe(summariseDropped.name, () => {
  it('names each kind once, with its count and first place', () => {
    const dropped = [
      { at: 'messages.0.content.0', kind: 'block type "audio"' },
      { at: 'messages.0.content.1', kind: 'block type "video"' },
      { at: 'messages.2.content.0', kind: 'block type "audio"' },
    ];

    expect(summariseDropped(dropped)).toBe('block type "audio" ×2 (first at messages.0.content.0); block type "video" ×1 (first at messages.0.content.1)');
  });

  it('keeps one short line for 20,000 dropped blocks of 20,000 kinds', () => {
    const dropped = Array.from({ length: 20_000 }, (_, i) => ({ at: `messages.0.content.${i}`, kind: `block type "kind-${i}"` }));

    const line = summariseDropped(dropped);

    expect(line).toBe(`${Array.from({ length: 10 }, (_, i) => `block type "kind-${i}" ×1 (first at messages.0.content.${i})`).join('; ')}; 19990 more kinds`);
  });
});

describe(listSome.name, () => {
  it('lists a few entries and counts the rest', () => {
    expect(listSome(['a', 'b', 'c'], 2)).toBe('a; b; and 1 more');
    expect(listSome(['a', 'b'], 2)).toBe('a; b');
  });
});
