import { useEffect, useState } from 'preact/hooks';
import { type Account, api } from './api';
import { dateTime, formatNumber, reasonText, usageLevel, usagePercent } from './format';
import { html } from './html';
import { usePolling } from './polling';

interface AccountsAnswer {
  data: Account[];
  persistent: boolean;
}

export function AccountsPage() {
  const [answer, setAnswer] = useState<AccountsAnswer | null>(null);
  const [message, setMessage] = useState<{ text: string; bad: boolean } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = (readUsage = false) => api<AccountsAnswer>('GET', `/accounts${readUsage ? '?usage=read' : ''}`).then(setAnswer, (err: Error) => setMessage({ text: err.message, bad: true }));
  // The first look reads credits not read lately (getUsageLimits); polling only shows what is known.
  useEffect(() => void load(true), []);
  usePolling(() => load(), 5_000);

  /** One action on one account, then the list again. */
  const act = async (name: string, label: string, call: () => Promise<unknown>) => {
    setBusy(name);
    try {
      const result = (await call()) as { ok?: boolean; error?: { message: string } } | undefined;
      if (result && result.ok === false) setMessage({ text: `${name}: test failed: ${result.error?.message ?? 'no answer'}`, bad: true });
      else setMessage({ text: `${name}: ${label} done`, bad: false });
    } catch (err) {
      setMessage({ text: `${name}: ${label} failed: ${(err as Error).message}`, bad: true });
    } finally {
      setBusy(null);
      await load();
    }
  };
  const path = (name: string) => `/accounts/${encodeURIComponent(name)}`;

  return html`<section class="page" id="accounts">
    <header class="page-head"><h1>Accounts</h1></header>
    ${message && html`<p class=${message.bad ? 'error' : 'notice'} role="status">${message.text}</p>`}
    ${answer && !answer.persistent && html`<p class="muted">No KIRO_ACCOUNTS_FILE: the single login cannot be changed from here.</p>`}
    <div class="accounts">
      ${answer?.data.map(
        (account) => html`<article class="account" data-account=${account.name} key=${account.name}>
          <header>
            <h2>${account.name}</h2>
            <span class=${`badge ${account.state.kind}`} data-state=${account.state.kind}>${account.state.kind}</span>
            ${account.state.kind !== 'healthy' && html`<span class="reason">${reasonText(account.state.reason)}${account.state.until ? ` until ${dateTime(account.state.until)}` : ''}</span>`}
          </header>
          <${UsageBar} usage=${account.usage} />
          <dl>
            <dt>In flight</dt><dd class="in-flight">${account.inFlight}${account.inFlightOtherReplicas ? ` (+${account.inFlightOtherReplicas} elsewhere)` : ''}</dd>
            <dt>Served / failed</dt><dd>${account.served} / ${account.failed}</dd>
            <dt>Resets</dt><dd>${dateTime(account.usage?.nextResetAt)}</dd>
            <dt>Kind</dt><dd>${account.kind}${account.usage?.plan ? `, ${account.usage.plan}` : ''}</dd>
            <dt>Last error</dt><dd class="last-error">${account.lastError ? `${dateTime(account.lastError.at)}: ${account.lastError.message}` : '–'}</dd>
          </dl>
          <div class="actions">
            ${account.state.kind === 'disabled' && account.state.reason === 'operator'
              ? html`<button disabled=${busy === account.name} onClick=${() => act(account.name, 'enable', () => api('POST', `${path(account.name)}/enable`))}>Enable</button>`
              : html`<button disabled=${busy === account.name} onClick=${() => act(account.name, 'disable', () => api('POST', `${path(account.name)}/disable`))}>Disable</button>`}
            ${account.state.kind !== 'healthy' && account.state.reason !== 'operator' && html`<button onClick=${() => act(account.name, 'enable', () => api('POST', `${path(account.name)}/enable`))}>Enable</button>`}
            <button onClick=${() => act(account.name, 'test', () => api('POST', `${path(account.name)}/test`))}>Test</button>
            <button onClick=${() => act(account.name, 'refresh', () => api('POST', `${path(account.name)}/refresh`))}>Refresh</button>
            <label class="priority">Priority
              <input type="number" min="0" max="1000" value=${account.priority} onChange=${(e: Event) => act(account.name, 'priority', () => api('PATCH', path(account.name), { priority: Number((e.target as HTMLInputElement).value) }))} />
            </label>
            ${answer.persistent && html`<button class="danger" onClick=${() => confirm(`Remove account "${account.name}"?`) && act(account.name, 'remove', () => api('DELETE', path(account.name)))}>Remove</button>`}
          </div>
        </article>`,
      )}
    </div>
    ${answer?.persistent && html`<${AddAccount} onDone=${(text: string, bad: boolean) => { setMessage({ text, bad }); void load(); }} />`}
  </section>`;
}

function UsageBar({ usage }: { usage: Account['usage'] }) {
  if (!usage) return html`<div class="usage unknown">Credits: not read yet</div>`;
  const level = usageLevel(usage.used, usage.limit);
  return html`<div class="usage" data-level=${level}>
    <div class="bar"><span class=${level} style=${`width: ${usagePercent(usage.used, usage.limit).toFixed(1)}%`}></span></div>
    <small>${formatNumber(usage.used, 2)} / ${formatNumber(usage.limit, 2)} credits</small>
  </div>`;
}

/** Adding an account (a refresh token or an API key) or importing this host's Kiro IDE / kiro-cli login. */
function AddAccount({ onDone }: { onDone: (text: string, bad: boolean) => void }) {
  const [mode, setMode] = useState<'token' | 'apiKey' | 'kiro-ide' | 'kiro-cli'>('token');
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const name = String(form.get('name') ?? '').trim();
    const secret = String(form.get('secret') ?? '').trim();
    const priority = Number(form.get('priority') ?? 0);
    const path = String(form.get('path') ?? '').trim();
    try {
      if (mode === 'token') await api('POST', '/accounts', { name, refreshToken: secret, priority });
      else if (mode === 'apiKey') await api('POST', '/accounts', { name, apiKey: secret, priority });
      else await api('POST', '/accounts/import', { name, from: mode, priority, ...(path ? { path } : {}) });
      (event.target as HTMLFormElement).reset();
      onDone(`${name}: added`, false);
    } catch (err) {
      onDone(`Adding ${name || 'the account'} failed: ${(err as Error).message}`, true);
    }
  };
  return html`<form class="add-account" onSubmit=${submit} autocomplete="off">
    <h2>Add or import an account</h2>
    <div class="segmented">
      ${([['token', 'Refresh token'], ['apiKey', 'API key'], ['kiro-ide', 'Import Kiro IDE'], ['kiro-cli', 'Import kiro-cli']] as const).map(
        ([value, label]) => html`<button type="button" class=${mode === value ? 'on' : ''} onClick=${() => setMode(value)}>${label}</button>`,
      )}
    </div>
    <label>Name <input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}" /></label>
    ${mode === 'token' || mode === 'apiKey'
      ? html`<label>${mode === 'token' ? 'Refresh token' : 'API key (ksk_…)'} <input name="secret" type="password" required /></label>`
      : html`<label>Path (empty: this host's default) <input name="path" /></label>`}
    <label>Priority <input name="priority" type="number" min="0" max="1000" value="0" /></label>
    <button type="submit">Add</button>
  </form>`;
}
