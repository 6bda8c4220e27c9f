import { useEffect, useState } from 'preact/hooks';
import type { RequestLogOverview } from '../request-log/request-log-entry';
import { api } from './api';
import { BarChart, LineChart } from './charts';
import { formatMs, formatNumber } from './format';
import { html } from './html';
import { usePolling } from './polling';

export function OverviewPage() {
  const [span, setSpan] = useState<'hour' | 'day'>('hour');
  const [data, setData] = useState<{ enabled: boolean; overview: RequestLogOverview | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<{ enabled: boolean; overview: RequestLogOverview | null }>('GET', `/overview?window=${span}`).then(
      (answer) => {
        setData(answer);
        setError(null);
      },
      (err: Error) => setError(err.message),
    );
  useEffect(() => void load(), [span]);
  usePolling(load, 10_000, [span]);

  const overview = data?.overview;
  return html`<section class="page" id="overview">
    <header class="page-head">
      <h1>Overview</h1>
      <div class="segmented">
        ${(['hour', 'day'] as const).map((w) => html`<button class=${w === span ? 'on' : ''} onClick=${() => setSpan(w)}>Last ${w}</button>`)}
      </div>
    </header>
    ${error && html`<p class="error">${error}</p>`}
    ${data && !data.enabled && html`<p class="notice">The request log is off (REQUEST_LOG_FILE=off, or its database could not be opened): no charts.</p>`}
    ${overview && html`
      <div class="cards">
        <div class="card"><b>${formatNumber(overview.totals.requests)}</b><span>requests</span></div>
        <div class="card"><b class=${overview.totals.errors > 0 ? 'bad' : ''}>${formatNumber(overview.totals.errors)}</b><span>errors</span></div>
        <div class="card"><b>${formatMs(overview.totals.ttftP50Ms)}</b><span>TTFT p50</span></div>
        <div class="card"><b>${formatMs(overview.totals.ttftP95Ms)}</b><span>TTFT p95</span></div>
        <div class="card"><b>${formatNumber(overview.totals.inputTokens + overview.totals.outputTokens)}</b><span>tokens</span></div>
        <div class="card"><b>${formatNumber(overview.totals.credits, 2)}</b><span>credits</span></div>
      </div>
      <div class="charts">
        <${BarChart}
          title=${`Requests per ${overview.bucketMs === 60_000 ? 'minute' : '30 minutes'}`}
          at=${overview.buckets.map((b) => b.at)}
          series=${[
            { name: 'ok', values: overview.buckets.map((b) => b.requests - b.errors), className: 's-ok' },
            { name: 'errors', values: overview.buckets.map((b) => b.errors), className: 's-bad' },
          ]}
        />
        <${LineChart}
          title="Time to first token"
          format=${formatMs}
          at=${overview.buckets.map((b) => b.at)}
          series=${[
            { name: 'p50', values: overview.buckets.map((b) => b.ttftP50Ms), className: 's-a' },
            { name: 'p95', values: overview.buckets.map((b) => b.ttftP95Ms), className: 's-b' },
          ]}
        />
        <${BarChart}
          title="Tokens"
          at=${overview.buckets.map((b) => b.at)}
          series=${[
            { name: 'in', values: overview.buckets.map((b) => b.inputTokens), className: 's-a' },
            { name: 'out', values: overview.buckets.map((b) => b.outputTokens), className: 's-b' },
          ]}
        />
        <${BarChart} title="Credits" at=${overview.buckets.map((b) => b.at)} series=${[{ name: 'credits', values: overview.buckets.map((b) => b.credits), className: 's-c' }]} />
      </div>
      <h2>Errors by kind</h2>
      ${Object.keys(overview.errorsByKind).length === 0
        ? html`<p class="muted">No errors in this window.</p>`
        : html`<ul class="kinds">${Object.entries(overview.errorsByKind).map(([kind, n]) => html`<li><code>${kind}</code> <b>${n}</b></li>`)}</ul>`}
    `}
  </section>`;
}
