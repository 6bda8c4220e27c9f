/**
 * The README's chart: time to first token (p50, and p99 dashed) against concurrent streams, for
 * the direct path and the gateway, as a small self-contained SVG (no library, no web fonts).
 */

export interface TtftPoint {
  concurrency: number;
  directP50: number;
  directP99: number;
  gatewayP50: number;
  gatewayP99: number;
}

const WIDTH = 640;
const HEIGHT = 360;
const PAD = { left: 56, right: 150, top: 28, bottom: 44 };

export function ttftChartSvg(points: TtftPoint[], subtitle: string): string {
  const xs = points.map((p) => p.concurrency);
  const maxY = niceMax(Math.max(...points.flatMap((p) => [p.directP99, p.gatewayP99])));
  const logMin = Math.log2(Math.min(...xs));
  const logSpan = Math.max(1, Math.log2(Math.max(...xs)) - logMin);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (c: number) => PAD.left + ((Math.log2(c) - logMin) / logSpan) * plotW;
  const y = (ms: number) => PAD.top + plotH - (ms / maxY) * plotH;
  const line = (key: keyof TtftPoint, color: string, dashed: boolean) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''} points="${points.map((p) => `${x(p.concurrency).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ')}"/>` +
    (dashed ? '' : points.map((p) => `<circle cx="${x(p.concurrency).toFixed(1)}" cy="${y(p[key]).toFixed(1)}" r="3" fill="${color}"/>`).join(''));
  const yTicks = Array.from({ length: 5 }, (_, i) => (maxY * i) / 4);
  const grid = [
    ...yTicks.map((t) => `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/><text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${round(t)}</text>`),
    ...xs.map((c) => `<line x1="${x(c).toFixed(1)}" x2="${x(c).toFixed(1)}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#eee"/><text x="${x(c).toFixed(1)}" y="${PAD.top + plotH + 16}" text-anchor="middle">${c}</text>`),
  ];
  const legend = [
    ['#1f77b4', 'direct p50', false],
    ['#1f77b4', 'direct p99', true],
    ['#d62728', 'gateway p50', false],
    ['#d62728', 'gateway p99', true],
  ] as const;
  const legendSvg = legend
    .map(([color, label, dashed], i) => {
      const ly = PAD.top + 10 + i * 20;
      const lx = WIDTH - PAD.right + 14;
      return `<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''}/><text x="${lx + 30}" y="${ly + 4}">${label}</text>`;
    })
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="16" font-size="13" font-weight="bold">Time to first token vs concurrent streams</text>`,
    `<text x="${PAD.left}" y="${HEIGHT - 8}" fill="#555">${escapeXml(subtitle)}</text>`,
    ...grid,
    `<text x="${PAD.left + plotW / 2}" y="${PAD.top + plotH + 30}" text-anchor="middle">concurrent streams (log scale)</text>`,
    `<text transform="translate(14 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">ms</text>`,
    line('directP99', '#1f77b4', true),
    line('gatewayP99', '#d62728', true),
    line('directP50', '#1f77b4', false),
    line('gatewayP50', '#d62728', false),
    legendSvg,
    '</svg>',
    '',
  ].join('\n');
}

function niceMax(value: number): number {
  const step = 10 ** Math.floor(Math.log10(Math.max(value, 1)));
  return Math.ceil(value / step) * step;
}

const round = (v: number) => (v >= 10 ? Math.round(v) : Math.round(v * 10) / 10);
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
