import type { FakeReasoningHandling } from '../../config/env.schema';
import { ThinkingParser, ThinkingPiece } from './thinking-parser';

/** Feeds the chunks in order, then flushes; returns every piece produced. */
function run(handling: FakeReasoningHandling, chunks: string[]): ThinkingPiece[] {
  const parser = new ThinkingParser(handling);
  return [...chunks.flatMap((chunk) => parser.process(chunk)), ...parser.flush()];
}

function joined(pieces: ThinkingPiece[]): { reasoning: string; text: string } {
  return {
    reasoning: pieces.filter((p) => p.kind === 'reasoning').map((p) => p.text).join(''),
    text: pieces.filter((p) => p.kind === 'text').map((p) => p.text).join(''),
  };
}

const RESPONSE = '<thinking>abc</thinking>\n\nanswer';
const OFFSETS = Array.from({ length: RESPONSE.length + 1 }, (_, i) => i);

/** The joined result of the response split in two at every offset, tagged with the offset. */
function splitAtEveryOffset(handling: FakeReasoningHandling): Array<{ offset: number; reasoning: string; text: string }> {
  return OFFSETS.map((offset) => ({ offset, ...joined(run(handling, [RESPONSE.slice(0, offset), RESPONSE.slice(offset)])) }));
}

function expectedAtEveryOffset(result: { reasoning: string; text: string }): Array<{ offset: number; reasoning: string; text: string }> {
  return OFFSETS.map((offset) => ({ offset, ...result }));
}

describe(ThinkingParser.name, () => {
  describe('as_reasoning_content', () => {
    it('splits a leading thinking block into reasoning and the answer into text', () => {
      expect(run('as_reasoning_content', [RESPONSE])).toStrictEqual([
        { kind: 'reasoning', text: 'abc' },
        { kind: 'text', text: 'answer' },
      ]);
    });

    it('gives the same result when the response is split in two at any offset', () => {
      expect(splitAtEveryOffset('as_reasoning_content')).toStrictEqual(expectedAtEveryOffset({ reasoning: 'abc', text: 'answer' }));
    });

    it('gives the same result when the response arrives one character at a time', () => {
      const pieces = run('as_reasoning_content', [...RESPONSE]);

      expect(joined(pieces)).toStrictEqual({ reasoning: 'abc', text: 'answer' });
    });

    it.each([
      ['<think>', '</think>'],
      ['<reasoning>', '</reasoning>'],
      ['<thought>', '</thought>'],
    ])('recognises %s ... %s blocks too', (open, close) => {
      const pieces = run('as_reasoning_content', [`${open}plan${close}\n\nresult`]);

      expect(pieces).toStrictEqual([
        { kind: 'reasoning', text: 'plan' },
        { kind: 'text', text: 'result' },
      ]);
    });

    it('recognises a block after leading whitespace', () => {
      const pieces = run('as_reasoning_content', ['\n ', '<thinking>abc</thinking>\n\nanswer']);

      expect(joined(pieces)).toStrictEqual({ reasoning: 'abc', text: 'answer' });
    });

    it('streams reasoning before the closing tag arrives, holding back the last 10 characters (a possible "</thinking>")', () => {
      const parser = new ThinkingParser('as_reasoning_content');

      const pieces = parser.process('<thinking>first part of a long thought');

      expect(pieces).toStrictEqual([{ kind: 'reasoning', text: 'first part of a lo' }]);
    });

    it('emits an unterminated thinking block as reasoning at flush', () => {
      expect(joined(run('as_reasoning_content', ['<thinking>still thinking']))).toStrictEqual({ reasoning: 'still thinking', text: '' });
    });

    it('emits nothing for an empty thinking block', () => {
      expect(run('as_reasoning_content', ['<thinking></thinking>\n\nanswer'])).toStrictEqual([{ kind: 'text', text: 'answer' }]);
    });

    it('keeps whitespace inside the answer after the first non-blank character', () => {
      expect(joined(run('as_reasoning_content', ['<thinking>abc</thinking>\n\n', 'line 1\n\n', 'line 2']))).toStrictEqual({
        reasoning: 'abc',
        text: 'line 1\n\nline 2',
      });
    });

    it('keeps a later opening tag in the answer as text', () => {
      expect(joined(run('as_reasoning_content', ['<thinking>abc</thinking>\n\nUse <thinking> tags.']))).toStrictEqual({
        reasoning: 'abc',
        text: 'Use <thinking> tags.',
      });
    });
  });

  describe('remove', () => {
    it('drops the thinking block and keeps the answer', () => {
      expect(run('remove', [RESPONSE])).toStrictEqual([{ kind: 'text', text: 'answer' }]);
    });

    it('gives the same result when the response is split in two at any offset', () => {
      expect(splitAtEveryOffset('remove')).toStrictEqual(expectedAtEveryOffset({ reasoning: '', text: 'answer' }));
    });

    it('drops an unterminated thinking block', () => {
      expect(run('remove', ['<thinking>still thinking'])).toStrictEqual([]);
    });
  });

  describe('pass', () => {
    it('passes the whole response through as text, tags included', () => {
      expect(joined(run('pass', [RESPONSE]))).toStrictEqual({ reasoning: '', text: '<thinking>abc</thinking>\n\nanswer' });
    });

    it('gives the same result when the response is split in two at any offset', () => {
      expect(splitAtEveryOffset('pass')).toStrictEqual(expectedAtEveryOffset({ reasoning: '', text: '<thinking>abc</thinking>\n\nanswer' }));
    });
  });

  describe('strip_tags', () => {
    it('keeps the reasoning as text without its tags, separated from the answer', () => {
      expect(joined(run('strip_tags', [RESPONSE]))).toStrictEqual({ reasoning: '', text: 'abc\n\nanswer' });
    });

    it('gives the same result when the response is split in two at any offset', () => {
      expect(splitAtEveryOffset('strip_tags')).toStrictEqual(expectedAtEveryOffset({ reasoning: '', text: 'abc\n\nanswer' }));
    });
  });

  describe('leading whitespace', () => {
    it('keeps an answer that starts with a long run of whitespace, arriving a character at a time, as it was', () => {
      const spaces = ' '.repeat(200_000);

      // Trimming the growing buffer on every chunk made this quadratic (seconds of a blocked loop).
      expect(joined(run('as_reasoning_content', [...Array<string>(200_000).fill(' '), 'answer']))).toStrictEqual({ reasoning: '', text: `${spaces}answer` });
    });

    it('drops whitespace before a thinking tag, however it arrives', () => {
      expect(joined(run('as_reasoning_content', [' ', '\n', ' <thin', 'king>plan</thinking>\n\nanswer']))).toStrictEqual({ reasoning: 'plan', text: 'answer' });
    });

    it('gives back whitespace-only answers at the end', () => {
      expect(joined(run('as_reasoning_content', [' ', ' ']))).toStrictEqual({ reasoning: '', text: '  ' });
    });
  });

  describe('responses without a leading tag', () => {
    it.each<FakeReasoningHandling>(['as_reasoning_content', 'remove', 'pass', 'strip_tags'])('passes plain text through unchanged in %s mode', (handling) => {
      expect(run(handling, ['Hello', ' world'])).toStrictEqual([
        { kind: 'text', text: 'Hello' },
        { kind: 'text', text: ' world' },
      ]);
    });

    it('emits plain text at once, without waiting for more', () => {
      const parser = new ThinkingParser('as_reasoning_content');

      expect(parser.process('Hello')).toStrictEqual([{ kind: 'text', text: 'Hello' }]);
    });

    it('treats a tag that appears later in the text as text', () => {
      expect(run('as_reasoning_content', ['I put my notes in ', '<thinking>x</thinking>', ' tags.'])).toStrictEqual([
        { kind: 'text', text: 'I put my notes in ' },
        { kind: 'text', text: '<thinking>x</thinking>' },
        { kind: 'text', text: ' tags.' },
      ]);
    });

    it('treats other markup at the start as text', () => {
      expect(run('as_reasoning_content', ['<b>bold</b>'])).toStrictEqual([{ kind: 'text', text: '<b>bold</b>' }]);
    });

    it('holds back a possible tag start and releases it as text once it cannot be a tag', () => {
      const parser = new ThinkingParser('as_reasoning_content');

      const first = parser.process('<th');
      const second = parser.process('ere>');

      expect([first, second]).toStrictEqual([[], [{ kind: 'text', text: '<there>' }]]);
    });

    it('releases a held-back possible tag start as text at flush', () => {
      const parser = new ThinkingParser('as_reasoning_content');
      parser.process('<thi');

      expect(parser.flush()).toStrictEqual([{ kind: 'text', text: '<thi' }]);
    });

    it('produces nothing for no input', () => {
      expect(run('as_reasoning_content', [])).toStrictEqual([]);
    });
  });
});
