import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { textReply } from './simulator';
import { type Harness, PROXY_KEY, startHarness } from './support/gateway-harness';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

/**
 * The admin console (/admin) in a real Chromium, against three simulator accounts behind
 * KIRO_ACCOUNTS_FILE: log in, read the accounts' states, disable one and see new requests go to
 * the others, find a request in the log with its account and credits, see the overview drawn.
 * Its HTTP rules (off without ADMIN_API_KEY, cookie attributes, CSRF) are checked with supertest.
 * Screenshots of each page go to test/artifacts/admin-console (gitignored).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the admin console test`);

const ADMIN_KEY = 'admin-key-for-the-console-tests';
const ARTIFACTS = join(__dirname, 'artifacts', 'admin-console');
const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const chat = (content: string) => ({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content }] });

async function consoleHarness(env: Record<string, string> = {}): Promise<Harness> {
  const file = join(mkdtempSync(join(tmpdir(), 'kiro-console-')), 'accounts.json');
  writeFileSync(file, JSON.stringify({ accounts: ['a', 'b', 'c'].map((name) => ({ name, refreshToken: `${name}-refresh-token` })) }), { mode: 0o600 });
  return startHarness({
    simulator: {
      defaultScenario: textReply('ok', { meteringUsage: 0.5 }),
      accounts: [
        { name: 'a', used: 950 },
        { name: 'b', used: 800 },
        { name: 'c', used: 100 },
      ],
    },
    env: { KIRO_ACCOUNTS_FILE: file, CLIENT_KEYS_FILE: join(dirname(file), 'client-keys.json'), REFRESH_TOKEN: '', ADMIN_API_KEY: ADMIN_KEY, ACCOUNT_STRATEGY: 'round_robin', FAKE_REASONING: 'false', ...env },
  });
}

/** The simulator account each answered chat call was for, in order. */
const servedBy = (h: Harness): Array<string | undefined> => h.sim.requests.filter((r) => r.path === '/generateAssistantResponse' && r.status === 200).map((r) => r.account);

async function login(h: Harness): Promise<{ cookie: string; csrf: string }> {
  const res = await request(h.url).post('/admin/api/session').set('Authorization', `Bearer ${ADMIN_KEY}`).expect(200);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  return { cookie, csrf: res.body.csrfToken as string };
}

describe('the admin console over HTTP (e2e)', () => {
  it('does not exist without ADMIN_API_KEY', async () => {
    const h = await startHarness();
    try {
      await request(h.url).get('/admin').expect(404);
      await request(h.url).get('/admin/assets/app.js').expect(404);
      await request(h.url).post('/admin/api/session').set('Authorization', 'Bearer anything-at-all-here').expect(404);
      await request(h.url).get('/admin/api/requests').expect(404);
    } finally {
      await h.close();
    }
  });

  describe('with ADMIN_API_KEY', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await consoleHarness();
    });
    afterAll(() => h.close());

    it('serves the page and its bundle from the gateway, under a policy that allows nothing else', async () => {
      const page = await request(h.url).get('/admin').expect(200);
      const script = await request(h.url).get('/admin/assets/app.js').expect(200);

      expect(page.text).toContain('<script src="/admin/assets/app.js"></script>');
      expect(page.headers['content-security-policy']).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
      expect(page.headers['cache-control']).toBe('no-store');
      expect(script.headers['content-type']).toBe('application/javascript; charset=utf-8');
      expect(script.text.length).toBeGreaterThan(10_000);
      expect(script.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    });

    it('logs in with the admin key only, into an HttpOnly, SameSite=Strict cookie that never holds the key', async () => {
      await request(h.url).post('/admin/api/session').set('Authorization', 'Bearer not-the-admin-key').expect(401);
      await request(h.url).post('/admin/api/session').set('Authorization', `Bearer ${PROXY_KEY}`).expect(401);
      const res = await request(h.url).post('/admin/api/session').set('Authorization', `Bearer ${ADMIN_KEY}`).expect(200);

      const setCookie = (res.headers['set-cookie'] as unknown as string[])[0];
      expect(setCookie).toMatch(/^kiro_admin_session=[^;]+; Max-Age=43200; Path=\/admin; HttpOnly; SameSite=Strict$/);
      expect(setCookie).not.toContain(ADMIN_KEY);
      expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      await request(h.url).get('/admin/api/session').set('Cookie', 'kiro_admin_session=1.forged.cookie').expect(401);
    });

    it('lets the cookie read, but change only with its CSRF token and from this origin', async () => {
      const { cookie, csrf } = await login(h);

      await request(h.url).get('/admin/api/accounts').set('Cookie', cookie).expect(200);
      const noToken = await request(h.url).post('/admin/api/accounts/a/disable').set('Cookie', cookie).expect(403);
      await request(h.url).post('/admin/api/accounts/a/disable').set('Cookie', cookie).set('x-csrf-token', 'x'.repeat(43)).expect(403);
      await request(h.url).post('/admin/api/accounts/a/disable').set('Cookie', cookie).set('x-csrf-token', csrf).set('Origin', 'https://evil.example').expect(403);
      const session = await request(h.url).get('/admin/api/session').set('Cookie', cookie).expect(200);

      expect(noToken.body.error.message).toBe("A change made with the console's session needs its x-csrf-token header, from this origin.");
      expect(session.body.csrfToken).toBe(csrf);
      expect((await request(h.url).get('/admin/api/accounts').set('Cookie', cookie)).body.data.map((a: { state: { kind: string } }) => a.state.kind)).toEqual(['healthy', 'healthy', 'healthy']);
    });

    it('ends the session at logout', async () => {
      const { cookie, csrf } = await login(h);

      await request(h.url).delete('/admin/api/session').set('Cookie', cookie).set('x-csrf-token', csrf).expect(204);
      await request(h.url).get('/admin/api/accounts').set('Cookie', cookie).expect(401);
    });

    it('logs each API request with its caller, models, account, attempts, tokens and credits, and no secret', async () => {
      await request(h.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'logged-request-1').send(chat('log me')).expect(200);
      await request(h.url).post('/v1/chat/completions').set('Authorization', 'Bearer wrong-key').send(chat('refused')).expect(401);
      const { cookie } = await login(h);

      const log = await request(h.url).get('/admin/api/requests?limit=10').set('Cookie', cookie).expect(200);
      const served = (log.body.data as Array<Record<string, unknown>>).find((e) => e.requestId === 'logged-request-1')!;
      const refused = (log.body.data as Array<Record<string, unknown>>).find((e) => e.status === 401)!;

      expect(served).toMatchObject({
        method: 'POST',
        route: '/v1/chat/completions',
        status: 200,
        callerKind: 'key',
        caller: 'default',
        modelAsked: 'claude-sonnet-4.5',
        modelUsed: 'claude-sonnet-4.5',
        stream: false,
        credits: 0.5,
        errorKind: null,
      });
      expect(served.account).toBe(servedBy(h).at(-1));
      expect(served.attempts).toEqual([served.account]);
      expect(served.inputTokens).toBeGreaterThan(0);
      expect(served.outputTokens).toBeGreaterThan(0);
      expect(served.ttftMs).toEqual(expect.any(Number));
      expect(refused).toMatchObject({ callerKind: 'none', caller: null, errorKind: 'authentication', account: null });
      const detail = await request(h.url).get(`/admin/api/requests/${served.seq}`).set('Cookie', cookie).expect(200);
      expect(detail.body).toEqual(served);
      const everything = JSON.stringify(log.body) + JSON.stringify((await request(h.url).get('/admin/api/accounts').set('Cookie', cookie)).body);
      for (const secret of [PROXY_KEY, ADMIN_KEY, 'wrong-key', 'a-refresh-token', 'b-refresh-token']) expect(everything).not.toContain(secret);
    });

    it('refuses bad filters in the request log with a 400', async () => {
      const { cookie } = await login(h);

      const res = await request(h.url).get('/admin/api/requests?limit=9999').set('Cookie', cookie).expect(400);
      await request(h.url).get('/admin/api/requests?outcome=maybe').set('Cookie', cookie).expect(400);
      await request(h.url).get('/admin/api/overview?window=year').set('Cookie', cookie).expect(400);
      await request(h.url).get('/admin/api/requests/abc').set('Cookie', cookie).expect(404);

      expect(res.body.error.message).toBe('limit must be a whole number from 1 to 500');
    });
  });
});

(available ? describe : describe.skip)('the admin console in a browser (e2e)', () => {
  let h: Harness;
  let webhook: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  const foreign: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    webhook = await startWebhookReceiver();
    h = await consoleHarness({ ALERT_WEBHOOK_URL: webhook.url });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (req) => {
      if (!req.url().startsWith(h.url)) foreign.push(req.url());
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('401')) pageErrors.push(message.text());
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await webhook?.close();
  });

  it('logs in with the admin key', async () => {
    await page.goto(`${h.url}/admin`);
    await page.locator('input[name=key]').fill('a-wrong-admin-key');
    await page.locator('button[type=submit]').click();
    await page.getByRole('alert').filter({ hasText: 'Wrong admin key.' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'login.png') });
    await page.locator('input[name=key]').fill(ADMIN_KEY);
    await page.locator('button[type=submit]').click();
    await page.locator('nav a', { hasText: 'Accounts' }).waitFor({ timeout: 15_000 });

    const cookies = await page.context().cookies();
    expect(cookies.map(({ name, httpOnly, sameSite, path }) => ({ name, httpOnly, sameSite, path }))).toEqual([{ name: 'kiro_admin_session', httpOnly: true, sameSite: 'Strict', path: '/admin' }]);
    expect(await page.evaluate('document.cookie')).toBe('');
  }, 60_000);

  it('shows the three accounts with their states, credit bars and a suspension', async () => {
    // The first look reads each account's credits.
    await page.goto(`${h.url}/admin#/accounts`);
    await page.locator('article.account[data-account="c"] .usage[data-level]').waitFor({ timeout: 15_000 });
    // c is suspended by Kiro: the pool finds out on its next request there.
    h.sim.account('c').setFault('suspend');
    for (let i = 0; i < 3; i++) await request(h.url).post('/v1/chat/completions').set(auth).send(chat(`warm-up ${i}`)).expect(200);
    await page.reload();
    const badge = (name: string) => page.locator(`article.account[data-account="${name}"] .badge`);
    await page.locator('article.account[data-account="c"] .badge.disabled').waitFor({ timeout: 15_000 });
    await page.locator('article.account[data-account="b"] .usage[data-level="warn"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'accounts.png'), fullPage: true });

    expect(await page.locator('article.account h2').allInnerTexts()).toEqual(['a', 'b', 'c']);
    expect([await badge('a').innerText(), await badge('b').innerText(), await badge('c').innerText()]).toEqual(['healthy', 'healthy', 'disabled']);
    expect(await page.locator('article.account[data-account="c"] .reason').innerText()).toBe('suspended');
    expect(await page.locator('article.account[data-account="c"] .last-error').innerText()).toContain('suspended');
    expect(await page.locator('article.account .usage').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-level')))).toEqual(['danger', 'warn', 'ok']);
  }, 60_000);

  it('disables an account, after which new requests go to the others', async () => {
    await page.locator('article.account[data-account="b"] button', { hasText: 'Disable' }).click();
    await page.locator('article.account[data-account="b"] .badge.disabled').waitFor({ timeout: 15_000 });
    const before = servedBy(h).length;

    for (let i = 0; i < 4; i++) await request(h.url).post('/v1/chat/completions').set(auth).send(chat(`after disable ${i}`)).expect(200);

    expect(servedBy(h).slice(before)).toEqual(['a', 'a', 'a', 'a']);
    expect(await page.locator('article.account[data-account="b"] .reason').innerText()).toBe('operator');
  }, 60_000);

  it('tests an account, sets its priority, adds one from a refresh token and removes it, through the admin API', async () => {
    const card = (name: string) => page.locator(`article.account[data-account="${name}"]`);
    await card('a').locator('button', { hasText: 'Test' }).click();
    await page.getByRole('status').filter({ hasText: 'a: test done' }).waitFor({ timeout: 15_000 });
    await card('a').locator('.priority input').fill('3');
    await card('a').locator('.priority input').press('Enter');
    await page.getByRole('status').filter({ hasText: 'a: priority done' }).waitFor({ timeout: 15_000 });

    await page.locator('form.add-account input[name=name]').fill('a-again');
    await page.locator('form.add-account input[name=secret]').fill('a-refresh-token');
    await page.locator('form.add-account button[type=submit]').click();
    await card('a-again').waitFor({ timeout: 15_000 });
    const added = (await request(h.url).get('/admin/api/accounts').set('Authorization', `Bearer ${ADMIN_KEY}`)).body.data as Array<{ name: string; priority: number }>;
    expect(added.map(({ name, priority }) => [name, priority])).toEqual([['a', 3], ['b', 0], ['c', 0], ['a-again', 0]]);
    expect(await page.content()).not.toContain('a-refresh-token');

    page.once('dialog', (dialog) => void dialog.accept());
    await card('a-again').locator('button', { hasText: 'Remove' }).click();
    await card('a-again').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.locator('article.account h2').allInnerTexts()).toEqual(['a', 'b', 'c']);
  }, 60_000);

  it('shows the requests in the log with their account and credits, and one in detail', async () => {
    await request(h.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'browser-visible-request').send(chat('find me in the log')).expect(200);
    await page.goto(`${h.url}/admin#/requests`);
    const row = page.locator('table.log tbody tr').first();
    await row.locator('td[data-label="Account"]', { hasText: 'a' }).waitFor({ timeout: 15_000 });

    expect(await row.locator('td[data-label="Credits"]').innerText()).toBe('0.5');
    expect(await row.locator('td[data-label="Status"]').innerText()).toBe('200');
    expect(await row.locator('td[data-label="Route"]').innerText()).toBe('POST /v1/chat/completions');
    await row.click();
    const detail = page.getByRole('dialog', { name: 'Request detail' });
    await detail.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'requests.png'), fullPage: true });
    expect(await detail.locator('dd[data-field="Request ID"]').innerText()).toBe('browser-visible-request');
    expect(await detail.locator('dd[data-field="Attempts"]').innerText()).toBe('a');
    expect(await detail.locator('dd[data-field="Model used"]').innerText()).toBe('claude-sonnet-4.5');
    expect(await detail.locator('dd[data-field="Replica"]').innerText()).toBe(h.config.instance);
    // DEBUG_MODE is off here: no body is kept, and the detail says why.
    await detail.locator('.bodies-none').waitFor({ timeout: 15_000 });
    expect(await detail.locator('.bodies-none').innerText()).toBe('Bodies are shown only while DEBUG_MODE writes debug dumps.');
    expect(await detail.locator('pre.body').count()).toBe(0);

    await page.locator('select[name=outcome]').selectOption('error');
    await page.locator('p.muted', { hasText: 'No requests yet matching these filters.' }).waitFor({ timeout: 15_000 });
  }, 60_000);

  it('draws the overview from the log: requests, TTFT, tokens and credits of the last hour', async () => {
    await page.goto(`${h.url}/admin#/overview`);
    const requestsChart = page.locator('figure[data-chart="Requests per minute"]');
    await requestsChart.locator('rect.s-ok').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });

    const overview = (await page.evaluate(() => fetch('/admin/api/overview').then((r) => r.json()))) as { overview: { totals: { requests: number; credits: number } } };
    const cards = await page.locator('.card').allInnerTexts();
    expect(cards[0]).toBe(`${overview.overview.totals.requests}\nrequests`);
    expect(overview.overview.totals.requests).toBeGreaterThanOrEqual(8);
    expect(overview.overview.totals.credits).toBeGreaterThanOrEqual(4);
    expect(await page.locator('figure[data-chart="Time to first token"] circle').count()).toBeGreaterThan(0);
    expect(await page.locator('figure[data-chart="Credits"] rect.s-c').count()).toBeGreaterThan(0);
    expect(await page.locator('figure[data-chart="Tokens"] rect').count()).toBeGreaterThan(0);
  }, 60_000);

  it('creates a key with a small credit budget, shows its secret once, and shows it refused past the budget', async () => {
    await page.goto(`${h.url}/admin#/keys`);
    await page.locator('article.client-key[data-key="default"]').waitFor({ timeout: 15_000 });
    await page.locator('button', { hasText: 'New key' }).click();
    const form = page.getByRole('dialog', { name: 'New key' });
    await form.locator('input[name=name]').fill('browser-budget');
    // Each answer costs 0.5 credits: two fit, the third is admitted at 1.0 and ends at 1.5, the fourth is refused.
    await form.locator('input[name=dailyCredits]').fill('1.2');
    await form.locator('button[type=submit]').click();
    const shown = page.getByRole('dialog', { name: 'Key created' });
    await shown.waitFor({ timeout: 15_000 });
    const secret = await shown.locator('input.secret').inputValue();
    await shown.locator('button', { hasText: 'Copy' }).click();
    await shown.locator('button', { hasText: 'Copied' }).waitFor();
    await shown.locator('button', { hasText: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    const statuses: number[] = [];
    let refusal: { error: { code: string; message: string } } | undefined;
    for (let i = 0; i < 6 && refusal === undefined; i++) {
      const res = await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${secret}`).send(chat(`budgeted ${i}`));
      statuses.push(res.status);
      if (res.status === 429) refusal = res.body;
    }
    const card = page.locator('article.client-key[data-key="browser-budget"]');
    await card.locator('.usage[data-period="Today"][data-level="danger"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'keys.png'), fullPage: true });

    expect(secret).toMatch(/^kgw_[A-Za-z0-9_-]{43}$/);
    expect(await page.content()).not.toContain(secret);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(refusal?.error.code).toBe('daily_budget_exceeded');
    expect(await card.locator('.usage[data-period="Today"] small').first().innerText()).toMatch(/^Today: 1\.5 \/ 1\.2 credits · resets /);
    expect(await card.locator('.usage[data-period="Today"] small.spent').innerText()).toBe(' · spent: requests are refused until then');
    // Requests admitted (the refused one spent nothing).
    expect(await card.locator('.requests').innerText()).toBe('3 today, 3 this month');
    expect(await card.locator('code').innerText()).toBe(`${secret.slice(0, 8)}…`);
  }, 60_000);

  it('edits, disables and deletes a key in the console', async () => {
    const card = page.locator('article.client-key[data-key="browser-budget"]');
    await card.locator('button', { hasText: 'Edit' }).click();
    const form = page.getByRole('dialog', { name: 'Edit key' });
    await form.locator('input[name=dailyCredits]').fill('');
    await form.locator('label.check', { hasText: 'a' }).first().locator('input').check();
    await form.locator('button[type=submit]').click();
    await page.getByRole('status').filter({ hasText: 'browser-budget: saved' }).waitFor({ timeout: 15_000 });
    await card.locator('.usage[data-period="Today"]').waitFor({ state: 'detached', timeout: 15_000 });
    await card.locator('button', { hasText: 'Disable' }).click();
    await card.locator('.badge.disabled').waitFor({ timeout: 15_000 });

    const keys = (await request(h.url).get('/admin/api/keys').set('Authorization', `Bearer ${ADMIN_KEY}`)).body.data as Array<{ name: string; dailyCredits: number | null; accounts: string[]; enabled: boolean }>;
    expect(keys.find((k) => k.name === 'browser-budget')).toMatchObject({ dailyCredits: null, accounts: ['a'], enabled: false });
    page.once('dialog', (dialog) => void dialog.accept());
    await card.locator('button', { hasText: 'Delete' }).click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
  }, 60_000);

  it('sends the suspension to the webhook, lists it on the alerts page, and delivers a test alert', async () => {
    const suspension = await webhook.waitFor('account_suspended', 'c');
    await page.goto(`${h.url}/admin#/alerts`);
    await page.locator('li.alert[data-kind="account_suspended"][data-subject="c"] .delivery[data-outcome="delivered"]').waitFor({ timeout: 15_000 });

    await page.locator('button.send-test').click();
    await page.getByRole('status').filter({ hasText: 'Test alert: delivered (HTTP 200)' }).waitFor({ timeout: 15_000 });
    await page.locator('li.alert[data-kind="test"] .delivery[data-outcome="delivered"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'alerts.png'), fullPage: true });

    expect(suspension).toMatchObject({ kind: 'account_suspended', subject: 'c', details: { account: 'c' } });
    expect(suspension.text).toContain('Account "c" was suspended by Kiro');
    expect(webhook.received.filter((alert) => alert.kind === 'test')).toHaveLength(1);
    expect(await page.locator('dd[data-field="Webhook"]').innerText()).toBe(`http://${new URL(webhook.url).host}/…`);
    expect(await page.content()).not.toContain(webhook.secret);
  }, 60_000);

  it('fits a phone-width screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.context().addCookies(await page.context().cookies());
    for (const name of ['overview', 'accounts', 'requests', 'keys', 'alerts']) {
      await phone.goto(`${h.url}/admin#/${name}`);
      await phone.locator(`section#${name}`).waitFor({ timeout: 15_000 });
      await phone.waitForLoadState('networkidle');
      await phone.screenshot({ path: join(ARTIFACTS, `phone-${name}.png`), fullPage: true });
      const overflow = await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect({ name, overflow }).toEqual({ name, overflow: 0 });
    }
    await phone.close();
  }, 60_000);

  it('asked nothing of any other server and raised no error in the page', () => {
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
