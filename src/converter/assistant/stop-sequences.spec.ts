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

/** Reference semantics: the answer stops where a sequence first ends (the longest one there). */
function naive(sequences: string[], text: string): { text: string; matched?: string } {
  for (let end = 1; end <= text.length; end++) {
    const ending = sequences.filter((s) => text.slice(0, end).endsWith(s)).sort((a, b) => b.length - a.length)[0];
    if (ending) return { text: text.slice(0, end - ending.length), matched: ending };
  }
  return { text };
}

describe(`${StopSequenceMatcher.name} against a reference`, () => {
  it('stops where the naive search does, for random sequences, texts and chunkings', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const word = (max: number) => Array.from({ length: 1 + random(max) }, () => 'ab'[random(2)]).join('');
    for (let i = 0; i < 2_000; i++) {
      const sequences = Array.from({ length: 1 + random(3) }, () => word(5));
      const text = word(30);
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = 1 + random(6);
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      expect([sequences, text, run(sequences, chunks)]).toEqual([sequences, text, naive(sequences, text)]);
    }
  });

  it('follows sixteen near misses of 1,000 characters over a long answer in linear time', () => {
    const sequences = Array.from({ length: 16 }, (_, i) => `${'a'.repeat(999 - i)}b`);
    const chunks = Array.from({ length: 4_096 }, () => 'a'.repeat(64));

    // Searching the held text again for every chunk took seconds here; the automaton takes milliseconds.
    expect(run(sequences, chunks).text).toHaveLength(4_096 * 64);
  });
});

describe(stopSequencesFrom.name, () => {
  it('accepts a string or a list and drops empty entries', () => {
    expect(stopSequencesFrom('x')).toEqual(['x']);
    expect(stopSequencesFrom(['a', '', 3, 'b'])).toEqual(['a', 'b']);
    expect(stopSequencesFrom(null)).toEqual([]);
  });
});
