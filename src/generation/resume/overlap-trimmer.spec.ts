import { longestPrefixThatEndsText, OverlapTrimmer } from './overlap-trimmer';

describe(OverlapTrimmer.name, () => {
  it('drops the sentence a continuation restates', () => {
    const trimmer = new OverlapTrimmer('The first sentence. The second one was cut ');

    const out = [trimmer.process('The second one '), trimmer.process('was cut short here, and more.'), trimmer.flush()];

    expect(out.join('')).toBe('short here, and more.');
  });

  it('drops a whole restated reply', () => {
    const trimmer = new OverlapTrimmer('Running the command. ');

    expect(trimmer.process('Running the command. ') + trimmer.flush()).toBe('');
  });

  it('passes a continuation that restates nothing, once it has seen enough to tell', () => {
    const trimmer = new OverlapTrimmer('Hello, this was the start of it');

    expect(trimmer.process(' and')).toBe('');
    expect(trimmer.process(' here the rest follows at last.')).toBe(' and here the rest follows at last.');
    expect(trimmer.process(' More.')).toBe(' More.');
  });

  it('drops a short answer restated whole', () => {
    const trimmer = new OverlapTrimmer('Partial ');

    expect(trimmer.process('Partial answer') + trimmer.flush()).toBe('answer');
  });

  it('keeps a short coincidental overlap (a space, a word)', () => {
    const trimmer = new OverlapTrimmer('We went to the ');

    expect(trimmer.process('the') + trimmer.flush()).toBe('the');
  });

  it('releases held text when something else comes', () => {
    const trimmer = new OverlapTrimmer('a long enough answer so far, cut off');

    expect(trimmer.process(' here')).toBe('');
    expect(trimmer.flush()).toBe(' here');
  });
});

describe(longestPrefixThatEndsText.name, () => {
  it.each([
    ['abcdef', 'xxabc', 3],
    ['abc', 'abc', 3],
    ['abc', 'xyz', 0],
    ['aaaa', 'baaa', 3],
    ['', 'abc', 0],
  ])('prefix of %j ending %j: %d', (prefixOf, text, expected) => {
    expect(longestPrefixThatEndsText(prefixOf, text)).toBe(expected);
  });
});
