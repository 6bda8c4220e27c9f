import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import request from 'supertest';
import { textReply } from './simulator';
import { type Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * The request log's bodies come from the debug dumps: with DEBUG_MODE on, a logged request names
 * its dump and the detail view reads the client request and response from it (redacted as the
 * dump is, each cut at 64 KB); with DEBUG_MODE off no entry names a dump and no body is shown.
 */
const ADMIN_KEY = 'admin-key-for-the-bodies-tests';
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const auth = { Authorization: `Bearer ${PROXY_KEY}` };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Entry {
  requestId: string;
  entryId: string;
  dump?: string;
}

async function entryOf(h: Harness, requestId: string): Promise<Entry> {
  const log = await request(h.url).get('/admin/api/requests?limit=50').set(admin).expect(200);
  const entry = (log.body.data as Entry[]).find((e) => e.requestId === requestId);
  if (!entry) throw new Error(`${requestId} is not in the log`);
  return entry;
}

describe('request bodies in the request log (e2e)', () => {
  let h: Harness;
  let dir: string;
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with DEBUG_MODE on, shows the client request and response from the dump, secrets redacted, bounded', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiro-bodies-'));
    h = await startHarness({ env: { ADMIN_API_KEY: ADMIN_KEY, DEBUG_MODE: 'all', DEBUG_DIR: dir, FAKE_REASONING: 'false' } });
    h.sim.enqueue(textReply('The dumped answer.'));
    const long = 'x'.repeat(100_000);
    h.sim.enqueue(textReply('short'));

    await request(h.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'with-bodies').send({ model: 'auto', messages: [{ role: 'user', content: `my key is ${PROXY_KEY}, keep it` }] }).expect(200);
    await request(h.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'long-body').send({ model: 'auto', messages: [{ role: 'user', content: long }] }).expect(200);
    const entry = await entryOf(h, 'with-bodies');
    const bodies = await request(h.url).get(`/admin/api/requests/by-id/${entry.entryId}/bodies`).set(admin).expect(200);
    const longBodies = await request(h.url).get(`/admin/api/requests/by-id/${(await entryOf(h, 'long-body')).entryId}/bodies`).set(admin).expect(200);

    expect(entry.dump).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-with-bodies$/);
    expect(bodies.body.available).toBe(true);
    expect(JSON.parse(bodies.body.request.text)).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'auto', messages: [{ role: 'user', content: 'my key is [redacted], keep it' }] } });
    expect(bodies.body.response.text).toContain('The dumped answer.');
    expect(bodies.body.request.truncated).toBe(false);
    expect(JSON.stringify(bodies.body)).not.toContain(PROXY_KEY);
    expect(longBodies.body.request.truncated).toBe(true);
    expect(longBodies.body.request.text.length).toBe(64 * 1024);
  });

  it('with DEBUG_MODE off, names no dump and shows no body', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiro-bodies-'));
    h = await startHarness({ env: { ADMIN_API_KEY: ADMIN_KEY, DEBUG_MODE: 'off', DEBUG_DIR: dir, FAKE_REASONING: 'false' } });

    await request(h.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'no-bodies').send({ model: 'auto', messages: [{ role: 'user', content: 'nothing kept' }] }).expect(200);
    const entry = await entryOf(h, 'no-bodies');
    const bodies = await request(h.url).get(`/admin/api/requests/by-id/${entry.entryId}/bodies`).set(admin).expect(200);
    const detail = await request(h.url).get('/admin/api/requests?limit=50').set(admin).expect(200);

    expect(entry.dump).toBeUndefined();
    expect(bodies.body).toEqual({ available: false, reason: 'debug_off', instance: h.config.instance });
    expect(JSON.stringify(detail.body)).not.toContain('nothing kept');
    await request(h.url).get('/admin/api/requests/by-id/not-an-id/bodies').set(admin).expect(404);
  });

  it('with DEBUG_MODE errors, a request that succeeded has no dump to show', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiro-bodies-'));
    h = await startHarness({ env: { ADMIN_API_KEY: ADMIN_KEY, DEBUG_MODE: 'errors', DEBUG_DIR: dir, FAKE_REASONING: 'false' } });

    await request(h.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'fine').send({ model: 'auto', messages: [{ role: 'user', content: 'ok' }] }).expect(200);
    await request(h.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'refused').send({ model: 'auto', messages: 'not a list' }).expect(400);
    const fine = await entryOf(h, 'fine');
    const refused = await entryOf(h, 'refused');

    expect(fine.dump).toBeUndefined();
    expect((await request(h.url).get(`/admin/api/requests/by-id/${fine.entryId}/bodies`).set(admin)).body).toMatchObject({ available: false, reason: 'no_dump' });
    expect((await request(h.url).get(`/admin/api/requests/by-id/${refused.entryId}/bodies`).set(admin)).body).toMatchObject({ available: true, request: { truncated: false } });
  });

  (existsSync(CHROMIUM) ? it : it.skip)("shows the bodies in the console's detail view", async () => {
    dir = mkdtempSync(join(tmpdir(), 'kiro-bodies-'));
    h = await startHarness({ env: { ADMIN_API_KEY: ADMIN_KEY, DEBUG_MODE: 'all', DEBUG_DIR: dir, FAKE_REASONING: 'false' } });
    h.sim.enqueue(textReply('An answer worth reading.'));
    await request(h.url).post('/v1/chat/completions').set(auth).set('X-Request-ID', 'in-the-browser').send({ model: 'auto', messages: [{ role: 'user', content: 'a question worth asking' }] }).expect(200);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${h.url}/admin#/requests`);
      await page.locator('input[name=key]').fill(ADMIN_KEY);
      await page.locator('button[type=submit]').click();
      await page.locator('table.log tbody tr').first().click();
      const detail = page.getByRole('dialog', { name: 'Request detail' });
      await detail.locator('pre.response-body').waitFor({ timeout: 15_000 });

      expect(await detail.locator('pre.request-body').innerText()).toContain('a question worth asking');
      expect(await detail.locator('pre.response-body').innerText()).toContain('An answer worth reading.');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
