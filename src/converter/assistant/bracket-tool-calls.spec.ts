import { BracketPiece, BracketToolCallExtractor } from './bracket-tool-calls';

const declared = new Set(['get_weather', 'Write']);
const extractor = () => new BracketToolCallExtractor((name) => declared.has(name));

function run(chunks: string[]): BracketPiece[] {
  const e = extractor();
  const pieces = [...chunks.flatMap((chunk) => e.process(chunk)), ...e.flush()];
  // Adjacent text pieces are one text, however the chunks fell.
  return pieces.reduce<BracketPiece[]>((out, piece) => {
    const last = out[out.length - 1];
    if (piece.kind === 'text' && last?.kind === 'text') last.text += piece.text;
    else out.push({ ...piece });
    return out;
  }, []);
}

const TEXT = 'Let me check. [Called get_weather with args: {"city": "Paris [FR]", "days": 2}] Done.';

describe(BracketToolCallExtractor.name, () => {
  it('turns a written-out call into a call and removes it from the text', () => {
    expect(run([TEXT])).toEqual([
      { kind: 'text', text: 'Let me check. ' },
      { kind: 'call', name: 'get_weather', arguments: '{"city": "Paris [FR]", "days": 2}' },
      { kind: 'text', text: ' Done.' },
    ]);
  });

  it('finds the call wherever the stream splits it', () => {
    const expected = run([TEXT]);
    for (let cut = 1; cut < TEXT.length; cut++) {
      expect(run([TEXT.slice(0, cut), TEXT.slice(cut)])).toEqual(expected);
    }
  });

  it('finds the call when the text arrives one character at a time', () => {
    expect(run(Array.from(TEXT))).toEqual(run([TEXT]));
  });

  it('leaves brackets that are not calls as text', () => {
    expect(run(['See [1] and [Calledx] and [Called it a day].'])).toEqual([{ kind: 'text', text: 'See [1] and [Calledx] and [Called it a day].' }]);
  });

  it('leaves a call to an undeclared tool as text', () => {
    const text = '[Called rm_rf with args: {"path": "/"}]';

    expect(run([text])).toEqual([{ kind: 'text', text }]);
  });

  it('gives back an unfinished call as text at the end', () => {
    const text = 'Now: [Called Write with args: {"content": "abc';

    expect(run([text])).toEqual([{ kind: 'text', text }]);
  });

  it('extracts two calls in a row', () => {
    expect(run(['[Called Write with args: {"a":1}][Called get_weather with args: {}]'])).toEqual([
      { kind: 'call', name: 'Write', arguments: '{"a":1}' },
      { kind: 'call', name: 'get_weather', arguments: '{}' },
    ]);
  });

  it('still finds the call when a long run of whitespace, a character per chunk, comes before its "]"', () => {
    const chunks = ['[Called get_weather with args: {"city": "Oslo"}', ...Array<string>(200_000).fill(' '), '] ok'];

    // Deciding again on every chunk sliced and trimmed the whole held text: quadratic in the spaces.
    expect(run(chunks)).toEqual([
      { kind: 'call', name: 'get_weather', arguments: '{"city": "Oslo"}' },
      { kind: 'text', text: ' ok' },
    ]);
  });
});
