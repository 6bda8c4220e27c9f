import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens } from '../../src/converter/token-counter';
import { CLASSES, estimateTokens, pairCounts } from '../../src/converter/token-estimate';

/**
 * The token estimator (src/converter/token-estimate.ts) against the tokenizer it stands in for:
 * its error per corpus — this project's code, its docs' prose, CJK, and the strings of real
 * client bodies (Claude Code, Codex, the Kiro IDE) — and, with `fit`, the least-squares weights
 * the estimator's table was taken from (fitted on the even chunks, reported on all).
 */

const FIXTURES = join(__dirname, '..', 'fixtures');
const CHUNK_CHARS = 2000;

export interface CorpusError {
  corpus: string;
  chars: number;
  tokens: number;
  estimate: number;
  /** estimate / tokens − 1, over the whole corpus. */
  error: number;
  /** 95th percentile of |estimate / tokens − 1| over its 2,000-character chunks. */
  chunkP95: number;
}

/** Every string value in a JSON document, joined: what a client body's text is. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) stringsOf(item, out);
  return out;
}

export function corpora(): Record<string, string> {
  const text = (name: string) => readFileSync(join(FIXTURES, 'token-corpus', `${name}.txt`), 'utf8');
  const body = (dir: string, name: string) => stringsOf(JSON.parse(readFileSync(join(FIXTURES, dir, name), 'utf8'))).join('\n');
  return {
    code: text('code'),
    prose: text('prose'),
    cjk: text('cjk'),
    'client bodies': [
      body('client-requests', 'claude-code-2.1.332-first-turn.json'),
      body('client-requests', 'claude-code-2.1.332-tool-loop.json'),
      body('client-requests', 'codex-0.171.0-first-turn.json'),
      body('kiro-requests', 'ide-agent-turn.json'),
      body('kiro-requests', 'ide-tool-results.json'),
    ].join('\n'),
  };
}

function chunks(text: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; at += CHUNK_CHARS) out.push(text.slice(at, at + CHUNK_CHARS));
  return out;
}

const exact = (text: string): number => countCl100k(text);

export function estimatorErrors(): CorpusError[] {
  return Object.entries(corpora()).map(([corpus, text]) => {
    const parts = chunks(text);
    const tokens = parts.reduce((sum, part) => sum + exact(part), 0);
    const estimate = parts.reduce((sum, part) => sum + estimateTokens(part), 0);
    const chunkErrors = parts.map((part) => Math.abs(estimateTokens(part) / Math.max(1, exact(part)) - 1)).sort((a, b) => a - b);
    return {
      corpus,
      chars: text.length,
      tokens,
      estimate: Math.round(estimate),
      error: estimate / tokens - 1,
      chunkP95: chunkErrors[Math.min(chunkErrors.length - 1, Math.ceil(chunkErrors.length * 0.95) - 1)],
    };
  });
}

/**
 * Weighted least squares (weights 1/tokens, i.e. relative error), lightly ridged so that pairs
 * rare in the corpus keep small weights, over the even chunks of every corpus.
 */
export function fitWeights(): number[] {
  const n = 64;
  const ata = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const atb = new Array<number>(n).fill(0);
  for (const text of Object.values(corpora())) {
    chunks(text).forEach((part, index) => {
      if (index % 2 !== 0) return;
      const y = exact(part);
      if (y === 0) return;
      const x = pairCounts(part);
      const w = 1 / y;
      for (let i = 0; i < n; i++) {
        if (x[i] === 0) continue;
        atb[i] += w * x[i] * y;
        for (let j = 0; j < n; j++) ata[i][j] += w * x[i] * x[j];
      }
    });
  }
  for (let i = 0; i < n; i++) ata[i][i] += 0.5;
  return solve(ata, atb).map((value) => Math.round(value * 1000) / 1000);
}

/** The fitted weights as the source table of token-estimate.ts. */
function weightTable(weights: number[]): string {
  const cell = (v: number) => (v < 0 ? '' : ' ') + v.toFixed(3);
  const rows = CLASSES.map((name, row) => `  /* ${name.padEnd(7)} */${weights.slice(row * 8, row * 8 + 8).map(cell).join(',')},`);
  return [`  // to: ${CLASSES.map((c) => c.padEnd(7)).join(' ')}`, ...rows].join('\n');
}

/** Gaussian elimination with partial pivoting (a 10×10 system). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) pivot = row;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = m[row][col] / m[col][col];
      for (let k = col; k <= n; k++) m[row][k] -= factor * m[col][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * The local count (token-counter.ts) against the tokenizer on short pieces of the corpora, where
 * one or two tokens off is a large share: the median and 95th percentile of the relative and the
 * absolute error, per piece length.
 */
export function shortTextErrors(lengths = [8, 32, 128, 512, 2048], perCorpus = 300): Array<{ length: number; relP50: number; relP95: number; absP50: number; absP95: number }> {
  const texts = Object.entries(corpora()).filter(([name]) => name !== 'client bodies').map(([, text]) => text);
  return lengths.map((length) => {
    const rel: number[] = [];
    const abs: number[] = [];
    for (const text of texts) {
      for (let i = 0; i < perCorpus; i++) {
        const at = Math.floor((i / perCorpus) * (text.length - length));
        const piece = text.slice(at, at + length);
        const exact = countCl100k(piece);
        const off = Math.abs(countTokens(piece) - exact);
        abs.push(off);
        rel.push(off / Math.max(1, exact));
      }
    }
    const q = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor(p * (values.length - 1))];
    return { length, relP50: q(rel, 0.5), relP95: q(rel, 0.95), absP50: q(abs, 0.5), absP95: q(abs, 0.95) };
  });
}

if (require.main === module) {
  if (process.argv.includes('--fit')) console.log(weightTable(fitWeights()));
  for (const e of estimatorErrors()) {
    console.log(`${e.corpus.padEnd(14)} ${String(e.chars).padStart(7)} chars ${String(e.tokens).padStart(6)} tokens, estimate ${String(e.estimate).padStart(6)} (${(e.error * 100).toFixed(1)} %), chunk p95 ±${(e.chunkP95 * 100).toFixed(1)} %`);
  }
  for (const e of shortTextErrors()) {
    console.log(`${String(e.length).padStart(5)}-char pieces: median ${(e.relP50 * 100).toFixed(1)} % (${e.absP50} tokens), 95 % within ${(e.relP95 * 100).toFixed(1)} % (${e.absP95} tokens)`);
  }
}
