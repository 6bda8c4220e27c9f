import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DEFAULT_SIM_OIDC_CLIENT, textReply } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

const CLI_REFRESH = 'kiro-cli-refresh-token';

describe('kiro-cli SQLite login (e2e)', () => {
  let home: string;
  let dbPath: string;
  let h: Harness;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kiro-cli-home-'));
    mkdirSync(join(home, '.local', 'share', 'kiro-cli'), { recursive: true });
    dbPath = join(home, '.local', 'share', 'kiro-cli', 'data.sqlite3');
    const db = new Database(dbPath);
    db.exec('CREATE TABLE auth_kv (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT);');
    db.prepare('INSERT INTO auth_kv VALUES (?, ?)').run(
      'kirocli:odic:token',
      JSON.stringify({ access_token: 'stale', refresh_token: CLI_REFRESH, expires_at: '2020-01-01T00:00:00.000000000Z', region: 'us-east-1', start_url: 'https://view.awsapps.com/start' }),
    );
    db.prepare('INSERT INTO auth_kv VALUES (?, ?)').run(
      'kirocli:odic:device-registration',
      JSON.stringify({ client_id: DEFAULT_SIM_OIDC_CLIENT.clientId, client_secret: DEFAULT_SIM_OIDC_CLIENT.clientSecret, region: 'us-east-1' }),
    );
    db.close();
    h = await startHarness({
      env: { REFRESH_TOKEN: '', KIRO_HOME: home },
      simulator: { refreshTokens: [CLI_REFRESH], rotateRefreshTokens: true },
    });
  });
  afterAll(async () => {
    await h.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('is found by itself and refreshes through AWS SSO OIDC', async () => {
    h.sim.enqueue(textReply('from kiro-cli'));

    const completion = await h.openai().chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    const health = await request(h.url).get('/health').set('Authorization', `Bearer ${PROXY_KEY}`);

    expect(completion.choices[0].message.content).toBe('from kiro-cli');
    expect(h.sim.stats.oidcRefreshes).toBe(1);
    expect(h.sim.stats.refreshes).toBe(0);
    expect(health.body.auth).toMatchObject({ mode: 'own-credentials', source: `kiro-cli login at ${dbPath}`, flow: 'aws-sso-oidc' });
  });

  it('writes the rotated refresh token back into the kiro-cli database, keeping its fields', () => {
    const db = new Database(dbPath, { readonly: true });
    const row = db.prepare("SELECT value FROM auth_kv WHERE key = 'kirocli:odic:token'").get() as { value: string };
    db.close();
    const stored = JSON.parse(row.value) as Record<string, string>;

    expect(stored.refresh_token).not.toBe(CLI_REFRESH);
    expect(h.sim.refreshCountFor(stored.refresh_token)).toBe(0);
    expect(stored.start_url).toBe('https://view.awsapps.com/start');
    expect(stored.access_token).not.toBe('stale');
  });
});
