import { useEffect, useState } from 'preact/hooks';
import type { ClientKeyView as ClientKey, PeriodUsage } from '../../client-keys/client-key';
import { api } from './api';
import { dateTime, formatNumber, usageLevel, usagePercent } from './format';
import { html } from './html';
import { usePolling } from './polling';
import './keys.css';

interface KeysAnswer {
  data: ClientKey[];
  writable: boolean;
  problem: string | null;
}

const SOURCE_TEXT = { default: 'PROXY_API_KEY', static: 'PROXY_API_KEYS', created: 'created here' } as const;

/** The client keys: usage against budgets, and create (secret shown once), edit, disable, delete. */
export function KeysPage() {
  const [answer, setAnswer] = useState<KeysAnswer | null>(null);
  const [message, setMessage] = useState<{ text: string; bad: boolean } | null>(null);
  const [editing, setEditing] = useState<ClientKey | 'new' | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [accountNames, setAccountNames] = useState<string[]>([]);
  const load = () => api<KeysAnswer>('GET', '/keys').then(setAnswer, (err: Error) => setMessage({ text: err.message, bad: true }));
  useEffect(() => {
    void load();
    api<{ data: Array<{ name: string }> }>('GET', '/accounts').then((a) => setAccountNames(a.data.map((account) => account.name)), () => undefined);
  }, []);
  usePolling(load, 5_000);

  const act = async (key: ClientKey, label: string, call: () => Promise<unknown>) => {
    try {
      await call();
      setMessage({ text: `${key.name}: ${label} done`, bad: false });
    } catch (err) {
      setMessage({ text: `${key.name}: ${label} failed: ${(err as Error).message}`, bad: true });
    }
    await load();
  };
  const path = (key: ClientKey) => `/keys/${encodeURIComponent(key.id)}`;

  return html`<section class="page" id="keys">
    <header class="page-head">
      <h1>Keys</h1>
      ${answer?.writable && html`<button class="primary" onClick=${() => setEditing('new')}>New key</button>`}
    </header>
    ${message && html`<p class=${message.bad ? 'error' : 'notice'} role="status">${message.text}</p>`}
    ${answer && !answer.writable && html`<p class="muted">Keys cannot be created here: ${answer.problem}.</p>`}
    <div class="keys">
      ${answer?.data.map(
        (key) => html`<article class="client-key" data-key=${key.name} key=${key.id}>
          <header>
            <h2>${key.name}</h2>
            <span class=${`badge ${key.enabled ? 'healthy' : 'disabled'}`}>${key.enabled ? 'enabled' : 'disabled'}</span>
            <span class="reason">${SOURCE_TEXT[key.source]}${key.hint ? html` · <code>${key.hint}</code>` : ''}</span>
          </header>
          <${BudgetBar} label="Today" usage=${key.usage.daily} />
          <${BudgetBar} label="This month" usage=${key.usage.monthly} />
          <dl>
            <dt>Requests</dt><dd class="requests">${formatNumber(key.usage.daily.requests)} today, ${formatNumber(key.usage.monthly.requests)} this month</dd>
            <dt>Models</dt><dd>${key.models.length ? key.models.join(', ') : 'any'}</dd>
            <dt>Accounts</dt><dd>${key.accounts.length ? key.accounts.join(', ') : 'any'}</dd>
            <dt>Rate limit</dt><dd>${key.rateLimitPerMinute ? `${key.rateLimitPerMinute} / min` : 'RATE_LIMIT_PER_MINUTE'}</dd>
            ${key.createdAt && html`<dt>Created</dt><dd>${dateTime(key.createdAt)}</dd>`}
          </dl>
          ${key.readOnly
            ? html`<p class="muted">PROXY_API_KEY: no limits, read-only here.</p>`
            : html`<div class="actions">
                <button onClick=${() => setEditing(key)}>Edit</button>
                ${key.enabled
                  ? html`<button onClick=${() => act(key, 'disable', () => api('POST', `${path(key)}/disable`))}>Disable</button>`
                  : html`<button onClick=${() => act(key, 'enable', () => api('POST', `${path(key)}/enable`))}>Enable</button>`}
                ${key.deletable && html`<button class="danger" onClick=${() => confirm(`Delete key "${key.name}"? Clients using it are refused from now on.`) && act(key, 'delete', () => api('DELETE', path(key)))}>Delete</button>`}
              </div>`}
        </article>`,
      )}
    </div>
    ${editing &&
    html`<${KeyForm}
      current=${editing === 'new' ? undefined : editing}
      accountNames=${accountNames}
      onClose=${() => setEditing(null)}
      onSaved=${(text: string, fresh?: { name: string; secret: string }) => {
        setEditing(null);
        setMessage({ text, bad: false });
        if (fresh) setCreated(fresh);
        void load();
      }}
    />`}
    ${created && html`<${SecretOnce} name=${created.name} secret=${created.secret} onClose=${() => setCreated(null)} />`}
  </section>`;
}

/** Credits used against a budget: the accounts' bar (amber from 70 %, red from 90 %); no budget, no bar. */
function BudgetBar({ label, usage }: { label: string; usage: PeriodUsage }) {
  if (usage.limit === null) return html`<div class="usage budget" data-level="none"><small>${label}: ${formatNumber(usage.credits, 4)} credits (no budget)</small></div>`;
  const level = usageLevel(usage.credits, usage.limit);
  return html`<div class="usage budget" data-level=${level} data-period=${label}>
    <div class="bar"><span class=${level} style=${`width: ${usagePercent(usage.credits, usage.limit).toFixed(1)}%`}></span></div>
    <small>${label}: ${formatNumber(usage.credits, 4)} / ${formatNumber(usage.limit, 4)} credits · resets ${dateTime(usage.resetsAt)}</small>
    ${usage.credits >= usage.limit && html`<small class="error spent"> · spent: requests are refused until then</small>`}
  </div>`;
}

/** A list typed as text: `a, b c` → ['a', 'b', 'c']. */
const listOf = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** A number field: empty is "no limit" (null), as the admin API takes it. */
function numberOf(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : Number(trimmed);
}

function KeyForm({ current, accountNames, onClose, onSaved }: { current?: ClientKey; accountNames: string[]; onClose: () => void; onSaved: (text: string, fresh?: { name: string; secret: string }) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [accounts, setAccounts] = useState<string[]>(current?.accounts ?? []);
  const toggle = (name: string) => setAccounts(accounts.includes(name) ? accounts.filter((a) => a !== name) : [...accounts, name]);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '');
    const body = {
      name: text('name').trim(),
      models: listOf(text('models')),
      accounts,
      rateLimitPerMinute: numberOf(text('rateLimitPerMinute')),
      dailyCredits: numberOf(text('dailyCredits')),
      monthlyCredits: numberOf(text('monthlyCredits')),
    };
    try {
      if (current) {
        await api('PATCH', `/keys/${encodeURIComponent(current.id)}`, body);
        onSaved(`${body.name}: saved`);
      } else {
        // A new key: no limit is sent as "absent", not null.
        const fresh = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
        const answer = await api<{ secret: string }>('POST', '/keys', fresh);
        onSaved(`${body.name}: created`, { name: body.name, secret: answer.secret });
      }
    } catch (err) {
      setError((err as Error).message);
    }
  };
  // Uncontrolled fields (defaultValue): the page's polling re-renders the form, and must not undo typing.
  const value = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  return html`<aside class="detail key-form" role="dialog" aria-label=${current ? 'Edit key' : 'New key'}>
    <header><h2>${current ? `Edit ${current.name}` : 'New key'}</h2><button onClick=${onClose} aria-label="Close">×</button></header>
    <form onSubmit=${submit} autocomplete="off">
      <label>Name <input name="name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}" defaultValue=${current?.name ?? ''} readOnly=${current?.source === 'static'} title=${current?.source === 'static' ? 'Named in PROXY_API_KEYS' : undefined} /></label>
      <label>Daily budget (Kiro credits, UTC day) <input name="dailyCredits" type="number" min="0" step="any" defaultValue=${value(current?.dailyCredits)} placeholder="none" /></label>
      <label>Monthly budget (Kiro credits, UTC month) <input name="monthlyCredits" type="number" min="0" step="any" defaultValue=${value(current?.monthlyCredits)} placeholder="none" /></label>
      <label>Rate limit (requests per minute) <input name="rateLimitPerMinute" type="number" min="1" step="1" defaultValue=${value(current?.rateLimitPerMinute)} placeholder="RATE_LIMIT_PER_MINUTE" /></label>
      <label>Models (empty: any; <code>claude-haiku-*</code> for a prefix) <input name="models" defaultValue=${current?.models.join(', ') ?? ''} placeholder="claude-sonnet-4.5, claude-haiku-*" /></label>
      <fieldset>
        <legend>Accounts (none ticked: any)</legend>
        ${accountNames.map((name) => html`<label class="check"><input type="checkbox" name="account" value=${name} checked=${accounts.includes(name)} onChange=${() => toggle(name)} /> ${name}</label>`)}
      </fieldset>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" class="primary">${current ? 'Save' : 'Create key'}</button>
    </form>
  </aside>`;
}

/** The new key's secret, this once: the gateway keeps only its hash. */
function SecretOnce({ name, secret, onClose }: { name: string; secret: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const field = document.getElementById('new-key-secret') as HTMLInputElement | null;
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      // No clipboard API off a secure context (plain http on another host): the selection, copied.
      field?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };
  return html`<aside class="detail secret-once" role="dialog" aria-label="Key created">
    <header><h2>Key "${name}" created</h2><button onClick=${onClose} aria-label="Close">×</button></header>
    <p>Copy it now: it is shown this once and cannot be read again (the gateway keeps only its hash).</p>
    <input id="new-key-secret" class="secret" readonly value=${secret} onFocus=${(e: Event) => (e.target as HTMLInputElement).select()} />
    <div class="actions">
      <button class="primary" onClick=${copy}>${copied ? 'Copied' : 'Copy'}</button>
      <button onClick=${onClose}>Done</button>
    </div>
  </aside>`;
}
