import { useEffect, useState } from 'preact/hooks';
import type { StoredRequestLogEntry } from '../request-log/request-log-entry';
import { api } from './api';
import { dateTime, formatMs, formatNumber, queryString } from './format';
import { html } from './html';
import { usePolling } from './polling';
import { RequestBodies } from './request-bodies';

interface Filters {
  outcome: string;
  account: string;
  model: string;
  caller: string;
  route: string;
}

const NO_FILTERS: Filters = { outcome: '', account: '', model: '', caller: '', route: '' };
const PAGE = 100;

export function RequestsPage() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [entries, setEntries] = useState<StoredRequestLogEntry[]>([]);
  const [enabled, setEnabled] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<StoredRequestLogEntry | null>(null);
  const [more, setMore] = useState(false);

  const fetchPage = (before?: number) => api<{ enabled: boolean; data: StoredRequestLogEntry[] }>('GET', `/requests${queryString({ limit: PAGE, before, ...filters })}`);
  const load = () =>
    fetchPage().then(
      (answer) => {
        setEnabled(answer.enabled);
        setEntries(answer.data);
        setMore(answer.data.length === PAGE);
        setError(null);
      },
      (err: Error) => setError(err.message),
    );
  useEffect(() => void load(), [filters]);
  usePolling(load, 5_000, [filters]);
  const loadMore = async () => {
    const answer = await fetchPage(entries.at(-1)?.seq);
    setEntries([...entries, ...answer.data]);
    setMore(answer.data.length === PAGE);
  };
  const onFilter = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setFilters(Object.fromEntries(Object.keys(NO_FILTERS).map((name) => [name, String(form.get(name) ?? '').trim()])) as unknown as Filters);
  };

  return html`<section class="page" id="requests">
    <header class="page-head"><h1>Requests</h1></header>
    <form class="filters" onSubmit=${onFilter} onChange=${(e: Event) => (e.target as HTMLElement).tagName === 'SELECT' && (e.currentTarget as HTMLFormElement).requestSubmit()}>
      <select name="outcome" aria-label="Outcome">
        <option value="">All outcomes</option><option value="ok">Succeeded</option><option value="error">Failed</option>
      </select>
      <input name="account" placeholder="Account" />
      <input name="model" placeholder="Model" />
      <input name="caller" placeholder="Key or tenant" />
      <input name="route" placeholder="Route" />
      <button type="submit">Filter</button>
    </form>
    ${error && html`<p class="error">${error}</p>`}
    ${!enabled && html`<p class="notice">The request log is off (REQUEST_LOG_FILE=off, or its database could not be opened).</p>`}
    <div class="table-wrap">
      <table class="log">
        <thead><tr><th>Time</th><th>Caller</th><th>Route</th><th>Model</th><th>Account</th><th>Status</th><th>TTFT</th><th>Duration</th><th>Tokens in/out</th><th>Credits</th><th>Error</th></tr></thead>
        <tbody>
          ${entries.map(
            (e) => html`<tr key=${e.seq} data-seq=${e.seq} class=${e.status >= 400 || e.errorKind ? 'failed' : ''} onClick=${() => setSelected(e)}>
              <td data-label="Time">${dateTime(e.at)}</td>
              <td data-label="Caller">${e.caller ?? '–'}</td>
              <td data-label="Route"><code>${e.method} ${e.route}</code></td>
              <td data-label="Model">${e.modelAsked ?? '–'}${e.modelUsed && e.modelUsed !== e.modelAsked ? html` → ${e.modelUsed}` : ''}</td>
              <td data-label="Account" class="account-cell">${e.account ?? '–'}</td>
              <td data-label="Status" class="status">${e.status}${e.clientClosed ? ' (client left)' : ''}</td>
              <td data-label="TTFT">${formatMs(e.ttftMs)}</td>
              <td data-label="Duration">${formatMs(e.durationMs)}</td>
              <td data-label="Tokens">${formatNumber(e.inputTokens)} / ${formatNumber(e.outputTokens)}${e.cachedTokens ? ` (${formatNumber(e.cachedTokens)} cached)` : ''}</td>
              <td data-label="Credits" class="credits">${formatNumber(e.credits, 4)}</td>
              <td data-label="Error">${e.errorKind ?? ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${entries.length === 0 && enabled && html`<p class="muted">No requests yet${filters === NO_FILTERS ? '' : ' matching these filters'}.</p>`}
    ${more && html`<button onClick=${loadMore}>Older requests</button>`}
    ${selected && html`<${RequestDetail} entry=${selected} onClose=${() => setSelected(null)} />`}
  </section>`;
}

function RequestDetail({ entry, onClose }: { entry: StoredRequestLogEntry; onClose: () => void }) {
  const rows: Array<[string, string]> = [
    ['Request ID', entry.requestId],
    ['Time', dateTime(entry.at)],
    ['Caller', `${entry.caller ?? '–'} (${entry.callerKind})`],
    ['Route', `${entry.method} ${entry.route}`],
    ['Status', `${entry.status}${entry.clientClosed ? ', the client left first' : ''}`],
    ['Model asked', entry.modelAsked ?? '–'],
    ['Model used', entry.modelUsed ?? '–'],
    ['Stream', entry.stream === null ? '–' : entry.stream ? 'yes' : 'no'],
    ['Account', entry.account ?? '–'],
    ['Replica', entry.instance ?? '–'],
    ['Attempts', entry.attempts.length ? entry.attempts.join(' → ') : '–'],
    ['Time to first token', formatMs(entry.ttftMs)],
    ['Duration', formatMs(entry.durationMs)],
    ['Input tokens', formatNumber(entry.inputTokens)],
    ['Output tokens', formatNumber(entry.outputTokens)],
    ['Cached input tokens', formatNumber(entry.cachedTokens)],
    ['Credits', formatNumber(entry.credits, 6)],
    ['Error kind', entry.errorKind ?? '–'],
    ['Error', entry.errorMessage ?? '–'],
  ];
  return html`<aside class="detail" role="dialog" aria-label="Request detail">
    <header><h2>Request #${entry.seq}</h2><button onClick=${onClose} aria-label="Close">×</button></header>
    <dl>${rows.map(([name, value]) => html`<dt>${name}</dt><dd data-field=${name}>${value}</dd>`)}</dl>
    <${RequestBodies} entry=${entry} />
  </aside>`;
}
