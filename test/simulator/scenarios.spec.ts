import { splitCodePoints, textReply, toolCallReply } from './scenarios';

describe(textReply.name, () => {
  it('splits text into frames of chunkChars code points, then contextUsage and metering', () => {
    expect(textReply('Hello world', { chunkChars: 4 }).events).toEqual([
      { type: 'text', content: 'Hell' },
      { type: 'text', content: 'o wo' },
      { type: 'text', content: 'rld' },
      { type: 'contextUsage', percentage: 1.25 },
      { type: 'metering', usage: 0.01 },
    ]);
  });

  it('never splits a surrogate pair', () => {
    const texts = textReply('a😀b😀', { chunkChars: 1 }).events.filter((e) => e.type === 'text');

    expect(texts).toEqual([
      { type: 'text', content: 'a' },
      { type: 'text', content: '😀' },
      { type: 'text', content: 'b' },
      { type: 'text', content: '😀' },
    ]);
  });
});

describe(splitCodePoints.name, () => {
  it('keeps CJK and emoji whole across pieces', () => {
    expect(splitCodePoints('我将为您😀创建', 2)).toEqual(['我将', '为您', '😀创', '建']);
  });
});

describe(toolCallReply.name, () => {
  it('streams name and id first, the input in fragments, then stop', () => {
    const reply = toolCallReply('tooluse_abc', 'fsWrite', '{"path":"a.txt"}', { fragments: 2 });

    expect(reply.events).toEqual([
      { type: 'toolUse', toolUseId: 'tooluse_abc', name: 'fsWrite' },
      { type: 'toolUse', toolUseId: 'tooluse_abc', name: 'fsWrite', input: '{"path":' },
      { type: 'toolUse', toolUseId: 'tooluse_abc', name: 'fsWrite', input: '"a.txt"}' },
      { type: 'toolUse', toolUseId: 'tooluse_abc', name: 'fsWrite', stop: true },
      { type: 'contextUsage', percentage: 1.25 },
      { type: 'metering', usage: 0.01 },
    ]);
  });
});
