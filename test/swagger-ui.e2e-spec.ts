import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { textReply } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Swagger UI in a real browser: authorize with the proxy key, "Try it out" with the offered
 * example, and get a real answer, with every asset served by the gateway itself. Needs Debian's
 * chromium (CI installs it); without it the suite is skipped locally and fails under CI.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} for the Swagger UI test`);

(available ? describe : describe.skip)('Swagger UI in a browser (e2e)', () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    h = await startHarness({ env: { FAKE_REASONING: 'false' } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('authorizes with the proxy key and runs the chat example against the gateway', async () => {
    h.sim.enqueue(textReply('Hello from the browser test.'));
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(h.url)) foreign.push(req.url());
    });

    await page.goto(`${h.url}/docs`);
    await page.click('button.authorize');
    await page.locator('.modal-ux input').first().fill(PROXY_KEY);
    await page.locator('.modal-ux button.authorize').first().click();
    await page.locator('.modal-ux button.btn-done').first().click();
    const operation = page.locator('#operations-chat-ChatController_create');
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('button.execute').click();
    const responseBody = operation.locator('.live-responses-table .microlight').first();
    await responseBody.waitFor({ timeout: 15_000 });

    const body = JSON.parse(await responseBody.innerText()) as { object: string; choices: Array<{ message: { content: string } }> };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.content).toBe('Hello from the browser test.');
    expect(foreign).toEqual([]);
    await page.close();
  }, 60_000);

  it("runs every operation's Try it out with its defaults, each getting the gateway's own answer", async () => {
    const document = (await (await fetch(`${h.url}/docs-json`)).json()) as { info: { description: string }; paths: Record<string, Record<string, { operationId: string; tags?: string[] }>> };
    expect(document.info.description).toContain('except on the Anthropic routes (`/v1/messages`) and for requests carrying `anthropic-version`');
    const operations = Object.entries(document.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]) => ({ path, method, id: op.operationId, tag: op.tags?.[0] ?? 'default' })));
    const page = await browser.newPage();
    await page.goto(`${h.url}/docs`);
    await page.click('button.authorize');
    await page.locator('.modal-ux input').first().fill(PROXY_KEY);
    await page.locator('.modal-ux button.authorize').first().click();
    await page.locator('.modal-ux button.btn-done').first().click();

    const statuses: Record<string, number> = {};
    for (const { path, method, id, tag } of operations) {
      const operation = page.locator(`#operations-${tag}-${id}`);
      await operation.locator('.opblock-summary').click();
      await operation.locator('.try-out__btn').click();
      await operation.locator('button.execute').click();
      const status = operation.locator('.live-responses-table .response .response-col_status').first();
      await status.waitFor({ timeout: 15_000 });
      // The cell reads "200", or "404" with an "Undocumented" note under it.
      statuses[`${method.toUpperCase()} ${path}`] = Number.parseInt(await status.innerText(), 10);
    }

    expect(operations.length).toBeGreaterThanOrEqual(11);
    expect(statuses).toStrictEqual(
      Object.fromEntries(operations.map(({ path, method }) => [`${method.toUpperCase()} ${path}`, path === '/v1/responses/{id}' ? 404 : 200])),
    );
    await page.close();
  }, 120_000);

  it('renders ReDoc from the local bundle, asking nothing of any other server and nothing in vain', async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    // Every request the page makes, answered or not (a CSP block counts too).
    page.on('request', (req) => {
      if (!req.url().startsWith(h.url) && !req.url().startsWith('blob:') && !req.url().startsWith('data:')) foreign.push(req.url());
    });
    const blocked: string[] = [];
    page.on('requestfailed', (req) => blocked.push(`${req.url()} ${req.failure()?.errorText}`));
    const failedAnswers: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failedAnswers.push(`${res.url()} ${res.status()}`);
    });

    await page.goto(`${h.url}/redoc`);
    await page.getByRole('heading', { name: 'Create a chat completion' }).waitFor({ timeout: 15_000 });
    const favicon = await fetch(`${h.url}/favicon.ico`);

    expect(foreign).toEqual([]);
    expect(blocked).toEqual([]);
    expect(failedAnswers).toEqual([]);
    expect(favicon.status).toBe(204);
    await page.close();
  }, 60_000);
});
