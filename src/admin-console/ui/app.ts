import { useEffect, useState } from 'preact/hooks';
import { AccountsPage } from './accounts';
import { AlertsPage } from './alerts';
import { api, ApiError, type Session, setCsrfToken } from './api';
import { html } from './html';
import { KeysPage } from './keys';
import { OverviewPage } from './overview';
import { RequestsPage } from './requests';

const PAGES = { overview: OverviewPage, accounts: AccountsPage, requests: RequestsPage, keys: KeysPage, alerts: AlertsPage } as const;
type PageName = keyof typeof PAGES;

function pageFromHash(): PageName {
  const name = location.hash.replace(/^#\/?/, '');
  return name in PAGES ? (name as PageName) : 'overview';
}

export function App() {
  const [session, setSession] = useState<'unknown' | 'out' | 'in'>('unknown');
  const [page, setPage] = useState<PageName>(pageFromHash());

  useEffect(() => {
    api<Session>('GET', '/session').then(
      (answer) => {
        setCsrfToken(answer.csrfToken);
        setSession('in');
      },
      () => setSession('out'),
    );
    const onHash = () => setPage(pageFromHash());
    const onLoggedOut = () => setSession('out');
    window.addEventListener('hashchange', onHash);
    window.addEventListener('admin-logged-out', onLoggedOut);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('admin-logged-out', onLoggedOut);
    };
  }, []);

  if (session === 'unknown') return html`<main class="loading">Loading…</main>`;
  if (session === 'out') return html`<${Login} onIn=${() => setSession('in')} />`;
  const Page = PAGES[page];
  const logout = async () => {
    await api('DELETE', '/session').catch(() => undefined);
    setCsrfToken(null);
    setSession('out');
  };
  return html`<div class="shell">
    <nav>
      <strong class="brand">Kiro Gateway</strong>
      ${(Object.keys(PAGES) as PageName[]).map((name) => html`<a href=${`#/${name}`} class=${name === page ? 'on' : ''}>${name[0].toUpperCase() + name.slice(1)}</a>`)}
      <button class="logout" onClick=${logout}>Log out</button>
    </nav>
    <main><${Page} /></main>
  </div>`;
}

function Login({ onIn }: { onIn: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('key') as HTMLInputElement;
    try {
      // The key goes once, as a bearer header; from then on the HttpOnly cookie stands for it.
      const answer = await api<Session>('POST', '/session', undefined, { Authorization: `Bearer ${input.value}` });
      input.value = '';
      setCsrfToken(answer.csrfToken);
      onIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'Wrong admin key.' : (err as Error).message);
    }
  };
  return html`<main class="login">
    <form onSubmit=${submit}>
      <h1>Kiro Gateway</h1>
      <label>Admin key <input name="key" type="password" autocomplete="current-password" required autofocus /></label>
      <button type="submit">Log in</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
  </main>`;
}
