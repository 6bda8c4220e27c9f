import { html } from './html';
import { clock, compact } from './format';

export interface Series {
  name: string;
  values: Array<number | null>;
  className: string;
}

const WIDTH = 600;
const HEIGHT = 140;
const PAD = { left: 36, right: 6, top: 8, bottom: 18 };

function scale(max: number): { top: number; y: (v: number) => number } {
  const top = max > 0 ? niceCeiling(max) : 1;
  return { top, y: (v) => PAD.top + (HEIGHT - PAD.top - PAD.bottom) * (1 - v / top) };
}

function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function axes(top: number, at: number[], y: (v: number) => number) {
  const last = at.length - 1;
  const x = (i: number) => PAD.left + ((WIDTH - PAD.left - PAD.right) * i) / Math.max(1, last);
  return html`
    <line class="axis" x1=${PAD.left} x2=${WIDTH - PAD.right} y1=${y(0)} y2=${y(0)} />
    <line class="grid" x1=${PAD.left} x2=${WIDTH - PAD.right} y1=${y(top)} y2=${y(top)} />
    <text class="label" x=${PAD.left - 4} y=${y(top) + 4} text-anchor="end">${compact(top)}</text>
    <text class="label" x=${PAD.left - 4} y=${y(0)} text-anchor="end">0</text>
    ${at.length > 0 && html`<text class="label" x=${x(0)} y=${HEIGHT - 4}>${clock(at[0])}</text>`}
    ${at.length > 1 && html`<text class="label" x=${x(last)} y=${HEIGHT - 4} text-anchor="end">${clock(at[last])}</text>`}
  `;
}

/** Stacked bars, one per bucket (requests with errors on top, tokens in/out…). */
export function BarChart({ title, at, series }: { title: string; at: number[]; series: Series[] }) {
  const totals = at.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const { top, y } = scale(Math.max(0, ...totals));
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(1, at.length);
  const bars = at.flatMap((_, i) => {
    let base = 0;
    return series.map((s) => {
      const value = s.values[i] ?? 0;
      const rect = value > 0 ? html`<rect class=${s.className} x=${PAD.left + i * slot + 0.5} width=${Math.max(1, slot - 1)} y=${y(base + value)} height=${y(base) - y(base + value)}><title>${clock(at[i])} ${s.name}: ${compact(value)}</title></rect>` : null;
      base += value;
      return rect;
    });
  });
  return html`<figure class="chart" data-chart=${title}>
    <figcaption>${title} ${legend(series)}</figcaption>
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label=${title}>${axes(top, at, y)}${bars}</svg>
  </figure>`;
}

/** Lines over the buckets (TTFT p50 / p95); gaps where a bucket has no value. */
export function LineChart({ title, at, series, format = compact }: { title: string; at: number[]; series: Series[]; format?: (v: number) => string }) {
  const max = Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const { top, y } = scale(max);
  const x = (i: number) => PAD.left + ((WIDTH - PAD.left - PAD.right) * i) / Math.max(1, at.length - 1);
  const lines = series.map((s) => {
    const points = s.values.map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`));
    const path = points.map((p, i) => (p === null ? '' : `${i === 0 || points[i - 1] === null ? 'M' : 'L'}${p}`)).join(' ');
    const dots = s.values.map((v, i) => (v === null ? null : html`<circle class=${s.className} cx=${x(i)} cy=${y(v)} r="2"><title>${clock(at[i])} ${s.name}: ${format(v)}</title></circle>`));
    return html`<path class=${`line ${s.className}`} d=${path} />${dots}`;
  });
  return html`<figure class="chart" data-chart=${title}>
    <figcaption>${title} ${legend(series)}</figcaption>
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label=${title}>${axes(top, at, y)}${lines}</svg>
  </figure>`;
}

function legend(series: Series[]) {
  return html`<span class="legend">${series.map((s) => html`<span><i class=${s.className}></i>${s.name}</span>`)}</span>`;
}
