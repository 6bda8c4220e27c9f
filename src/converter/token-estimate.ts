/**
 * A token estimate in one pass over the characters, for prompts too large to tokenize on the
 * event loop. cl100k's BPE (gpt-tokenizer) costs 0.5–1.5 µs per character here — its split
 * regex alone 0.2 µs — so a 430 KB agent turn took 30–60 ms exactly and 12–22 ms even sampled;
 * this pass costs two table look-ups and an increment per character (1–3 ns).
 *
 * Each character is put in one of eight classes, the ones cl100k's pre-tokenizer splits on; a
 * character's weight depends on its class and the previous one's: a letter after a space starts
 * a word (about one token), a lower-to-upper change inside an identifier is where BPE splits it,
 * a digit after two digits starts a new group of three, and so on. The 64 weights were fitted by
 * least squares against the tokenizer on test/fixtures/token-corpus (code, prose, CJK) and real
 * client bodies; `npx ts-node --transpile-only test/support/token-corpus.ts --fit` refits them
 * and prints the error per corpus, which the README's performance section lists.
 */

export const CLASSES = ['lower', 'upper', 'digit', 'space', 'newline', 'punct', 'cjk', 'other'] as const;
export type CharClass = (typeof CLASSES)[number];

const LOWER = 0;
const UPPER = 1;
const DIGIT = 2;
const SPACE = 3;
const NEWLINE = 4;
const PUNCT = 5;
const CJK = 6;
const OTHER = 7;

/** The class of every UTF-16 code unit (64 KB, built once): one load per character in the scan. */
const CLASS = buildClassTable();

function buildClassTable(): Uint8Array {
  const table = new Uint8Array(0x10000).fill(OTHER);
  for (let code = 0; code < 128; code++) {
    if (code >= 0x61 && code <= 0x7a) table[code] = LOWER;
    else if (code >= 0x41 && code <= 0x5a) table[code] = UPPER;
    else if (code >= 0x30 && code <= 0x39) table[code] = DIGIT;
    else if (code === 0x20 || code === 0x09) table[code] = SPACE;
    else if (code === 0x0a || code === 0x0d) table[code] = NEWLINE;
    else table[code] = PUNCT;
  }
  // CJK ideographs and punctuation, kana, hangul, compatibility ideographs, full-width forms.
  for (const [from, to] of [[0x2e80, 0x9fff], [0xac00, 0xd7af], [0xf900, 0xfaff], [0xff00, 0xffef]]) table.fill(CJK, from, to + 1);
  return table;
}

/**
 * Tokens per character by (previous class, class), row by row in CLASSES order (fitted; see
 * above). The first character of a text counts as if after a space.
 */
export const PAIR_WEIGHTS: readonly number[] = [
  // to: lower   upper   digit   space   newline punct   cjk     other 
  /* lower   */ 0.031, 0.127, 0.517, 0.143, 1.096, 0.902, 0.008, 1.004,
  /* upper   */ 0.378, 0.243, 0.797, 0.737, 0.137, 0.106, 0.000, 0.255,
  /* digit   */ 0.541, 0.160, 0.434, 0.959, 0.018, 1.761, 0.042, 0.275,
  /* space   */ 0.765, 0.397, 0.323, 0.124,-0.048, 0.579, 0.834, 0.795,
  /* newline */ 0.467, 0.231, 0.247,-0.053, 0.145, 0.464, 0.533,-0.027,
  /* punct   */ 0.792, 1.596, 0.934, 0.296, 0.274, 0.271, 0.124, 0.506,
  /* cjk     */ 0.010, 0.046, 0.083, 0.364, 0.333, 0.355, 1.016, 0.938,
  /* other   */ 1.163,-0.105, 0.904, 0.438, 0.051, 0.390, 0.905, 0.066,
];
const WEIGHTS = Float64Array.from(PAIR_WEIGHTS);

/** Adds to `counts` how often each (previous class, class) pair occurs in `text` from `start` to `end`. */
function countPairs(text: string, start: number, end: number, counts: Int32Array): void {
  let previous = SPACE;
  for (let i = start; i < end; i++) {
    const cls = CLASS[text.charCodeAt(i)];
    // Counting pairs and weighing them once at the end runs at about the speed of the bare loop;
    // adding a float weight per character took twice as long (a serial chain of float additions).
    counts[previous * 8 + cls]++;
    previous = cls;
  }
}

/** How often each (previous class, class) pair occurs in `text` from `start` to `end` (for fitting). */
export function pairCounts(text: string, start = 0, end = text.length): number[] {
  const counts = new Int32Array(64);
  countPairs(text, start, end, counts);
  return Array.from(counts);
}

/** Scratch counts of {@link estimateTokens}: one scan at a time on the event loop's thread. */
const COUNTS = new Int32Array(64);

/** Estimated cl100k tokens of `text` from `start` to `end` (not rounded: sum a prompt's parts, round once). */
export function estimateTokens(text: string, start = 0, end = text.length): number {
  COUNTS.fill(0);
  countPairs(text, start, end, COUNTS);
  let total = 0;
  for (let pair = 0; pair < 64; pair++) total += COUNTS[pair] * WEIGHTS[pair];
  return total;
}
