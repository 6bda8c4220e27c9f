import { StopSequenceMatcher, stopSequencesFrom } from './stop-sequences';

function run(sequences: string[], chunks: string[]): { text: string; matched?: string } {
  const matcher = new StopSequenceMatcher(sequences);
  let text = '';
  for (const chunk of chunks) {
    const { emit, matched } = matcher.process(chunk);
    text += emit;
    if (matched) return { text, matched };
  }
  return { text: text + matcher.flush() };
}

describe(StopSequenceMatcher.name, () => {
  it('cuts the text at the first stop sequence and reports it', () => {
    expect(run(['END'], ['Hello END and more'])).toEqual({ text: 'Hello ', matched: 'END' });
  });

  it('finds a stop sequence split across chunks, at every split', () => {
    const text = 'one two ###STOP### three';
    for (let cut = 1; cut < text.length; cut++) {
      expect(run(['###STOP###'], [text.slice(0, cut), text.slice(cut)])).toEqual({ text: 'one two ', matched: '###STOP###' });
    }
  });

  it('lets everything through, eventually, when no sequence appears', () => {
    expect(run(['\n\nHuman:'], ['a\n', '\nb', '\n\nH', 'uman'])).toEqual({ text: 'a\n\nb\n\nHuman' });
  });

  it('takes the earliest of several sequences', () => {
    expect(run(['world', 'lo'], ['hello world'])).toEqual({ text: 'hel', matched: 'lo' });
  });
});

describe(stopSequencesFrom.name, () => {
  it('accepts a string or a list and drops empty entries', () => {
    expect(stopSequencesFrom('x')).toEqual(['x']);
    expect(stopSequencesFrom(['a', '', 3, 'b'])).toEqual(['a', 'b']);
    expect(stopSequencesFrom(null)).toEqual([]);
  });
});
