import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKiroCliDatabase, readKiroCliCredential, writeKiroCliCredential } from './kiro-cli-store';

function makeDatabase(home: string, rows: Record<string, unknown>, state: Record<string, unknown> = {}): string {
  const dir = join(home, '.local', 'share', 'kiro-cli');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'data.sqlite3');
  const db = new Database(path);
  db.exec('CREATE TABLE auth_kv (key TEXT PRIMARY KEY, value TEXT); CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT);');
  for (const [key, value] of Object.entries(rows)) db.prepare('INSERT INTO auth_kv VALUES (?, ?)').run(key, JSON.stringify(value));
  for (const [key, value] of Object.entries(state)) db.prepare('INSERT INTO state VALUES (?, ?)').run(key, JSON.stringify(value));
  db.close();
  return path;
}

describe('kiro-cli store', () => {
  let home: string;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'kiro-cli-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('finds the database under ~/.local/share/kiro-cli', () => {
    const path = makeDatabase(home, {});

    expect(findKiroCliDatabase({ homeDir: home }, 'linux')).toBe(path);
    expect(findKiroCliDatabase({ homeDir: join(home, 'elsewhere') }, 'linux')).toBeUndefined();
  });

  it('reads an OIDC login with its device registration and the profile ARN from state', () => {
    const path = makeDatabase(
      home,
      {
        'kirocli:odic:token': { access_token: 'aoa-1', refresh_token: 'aor-1', expires_at: '2030-01-02T03:04:05.123456789Z', region: 'eu-west-1', start_url: 'https://view.awsapps.com/start' },
        'kirocli:odic:device-registration': { client_id: 'cid', client_secret: 'csecret', region: 'eu-west-1' },
      },
      { 'api.codewhisperer.profile': { arn: 'arn:aws:codewhisperer:us-east-1:1:profile/X' } },
    );

    expect(readKiroCliCredential(path, 'us-east-1')).toEqual({
      refreshToken: 'aor-1',
      accessToken: 'aoa-1',
      expiresAt: Date.parse('2030-01-02T03:04:05.123Z'),
      profileArn: 'arn:aws:codewhisperer:us-east-1:1:profile/X',
      region: 'eu-west-1',
      clientId: 'cid',
      clientSecret: 'csecret',
      flow: 'aws-sso-oidc',
      source: { kind: 'kiro-cli', path, key: 'kirocli:odic:token' },
    });
  });

  it('prefers the social token and reads it as a social login', () => {
    const path = makeDatabase(home, {
      'kirocli:social:token': { access_token: 'a', refresh_token: 'social-r', expires_at: '2030-01-01T00:00:00Z', profile_arn: 'arn:p' },
      'kirocli:odic:token': { refresh_token: 'odic-r' },
    });

    expect(readKiroCliCredential(path, 'us-east-1')).toMatchObject({ refreshToken: 'social-r', flow: 'social', profileArn: 'arn:p' });
  });

  it('writes refreshed tokens back into the same row, keeping fields it does not know', () => {
    const path = makeDatabase(home, {
      'kirocli:odic:token': { access_token: 'old-a', refresh_token: 'old-r', expires_at: '2020-01-01T00:00:00Z', start_url: 'https://x', scopes: ['a'] },
    });
    const credential = readKiroCliCredential(path, 'us-east-1')!;

    writeKiroCliCredential(path, 'kirocli:odic:token', { ...credential, accessToken: 'new-a', refreshToken: 'new-r', expiresAt: Date.parse('2031-05-06T07:08:09.000Z') });

    const db = new Database(path, { readonly: true });
    const row = db.prepare("SELECT value FROM auth_kv WHERE key = 'kirocli:odic:token'").get() as { value: string };
    db.close();
    expect(JSON.parse(row.value)).toEqual({
      access_token: 'new-a',
      refresh_token: 'new-r',
      expires_at: '2031-05-06T07:08:09.000Z',
      start_url: 'https://x',
      scopes: ['a'],
    });
  });

  it('returns undefined for a database with no token', () => {
    expect(readKiroCliCredential(makeDatabase(home, {}), 'us-east-1')).toBeUndefined();
  });
});
