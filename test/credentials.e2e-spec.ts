import type { Stats } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { DEFAULT_SIM_REFRESH_TOKEN, type KiroSimulator, quotaExceeded, suspended, textReply } from './simulator';
import { Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * Where the gateway's Kiro login comes from and how its tokens live: credential files, Kiro IDE
 * auto-discovery, both refresh flows, rotation write-back, forced refresh on a rejected token,
 * non-refreshable failures, and multi-tenant `KEY:REFRESH_TOKEN` callers (kiro-protocol.md §1, §3.4).
 */

const CHAT_BODY = { model: 'auto', messages: [{ role: 'user' as const, content: 'hi' }] };
const PAST = '2020-01-01T00:00:00.000Z';
const STALE_ACCESS_TOKEN = 'stale-access-token-from-the-file';
const FILE_PROFILE_ARN = 'arn:aws:codewhisperer:us-east-1:111122223333:profile/FILEPROFILE';
const REFRESH_REFUSED =
  'The Kiro refresh token was refused (expired, revoked or rotated elsewhere). Log in to Kiro again and update the credentials.';

const bearer = (key: string): Record<string, string> => ({ Authorization: `Bearer ${key}` });
const tenantKey = (refreshToken: string): string => `${PROXY_KEY}:${refreshToken}`;

function chat(h: Harness, headers: Record<string, string> = bearer(PROXY_KEY), body: object = CHAT_BODY): request.Test {
  return request(h.url).post('/v1/chat/completions').set(headers).send(body);
}

/** `Authorization` headers of the chat calls the simulator received, in order. */
function upstreamAuthorizations(sim: KiroSimulator): Array<string | undefined> {
  return sim.requests.filter((r) => r.path === '/generateAssistantResponse').map((r) => r.headers.authorization);
}

/** A Kiro IDE social login (`kiro-auth-token.json` format) whose access token has expired. */
function socialLogin(refreshToken: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    accessToken: STALE_ACCESS_TOKEN,
    refreshToken,
    expiresAt: PAST,
    profileArn: FILE_PROFILE_ARN,
    region: 'us-east-1',
    authMethod: 'social',
    provider: 'Google',
    ...extra,
  };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(value, null, 2));
  // Readable by others on purpose: the write-back must tighten it to 0600.
  await chmod(path, 0o644);
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

const makeTempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'kiro-gateway-creds-'));
const ideCachePath = (home: string, file: string): string => join(home, '.aws', 'sso', 'cache', file);

describe('KIRO_CREDS_FILE (social login, e2e)', () => {
  const FILE_REFRESH_TOKEN = 'file-refresh-token';
  let dir: string;
  let credsFile: string;
  let h: Harness;

  beforeAll(async () => {
    dir = await makeTempDir();
    credsFile = join(dir, 'kiro-creds.json');
    await writeJson(credsFile, socialLogin(FILE_REFRESH_TOKEN));
    // Start-up asks for the model list, which starts the refresh; a refresh slower than start-up's
    // wait for that list is still running when the twelve requests come.
    h = await startHarness({
      env: { KIRO_CREDS_FILE: credsFile },
      simulator: { refreshTokens: [FILE_REFRESH_TOKEN], refreshDelayMs: 4_000 },
    });
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refreshes the expired access token from the file exactly once, at start-up, for twelve concurrent requests', async () => {
    h.sim.enqueue(...Array.from({ length: 12 }, () => textReply('ok')));

    const responses = await Promise.all(Array.from({ length: 12 }, () => chat(h)));

    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(responses.map((r) => r.body.choices[0].message.content)).toEqual(Array(12).fill('ok'));
    expect(h.sim.stats.refreshes).toBe(1);
    expect(h.sim.refreshCountFor(FILE_REFRESH_TOKEN)).toBe(1);
    expect(h.sim.refreshCountFor(DEFAULT_SIM_REFRESH_TOKEN)).toBe(0);
    expect(h.sim.stats.chatRequests).toBe(12);
    expect(upstreamAuthorizations(h.sim)).not.toContain(`Bearer ${STALE_ACCESS_TOKEN}`);
  });
});

describe('KIRO_CREDS_FILE with rotating refresh tokens (e2e)', () => {
  const ORIGINAL_REFRESH_TOKEN = 'rotating-original-refresh-token';
  let dir: string;
  let credsFile: string;
  let before: Stats;
  let h: Harness;

  beforeAll(async () => {
    dir = await makeTempDir();
    credsFile = join(dir, 'kiro-creds.json');
    await writeJson(credsFile, socialLogin(ORIGINAL_REFRESH_TOKEN, { customSetting: { keep: true }, startUrl: 'https://view.awsapps.com/start' }));
    before = await stat(credsFile);
    h = await startHarness({
      env: { KIRO_CREDS_FILE: credsFile },
      simulator: { refreshTokens: [ORIGINAL_REFRESH_TOKEN], rotateRefreshTokens: true },
    });
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => h.sim.reset());

  it('writes the rotated refresh token back by replacing the file, mode 0600, keeping unknown fields', async () => {
    // The refresh ran at start-up (for the model list): the file was replaced before any request.
    const res = await chat(h);

    expect(res.status).toBe(200);
    const after = await stat(credsFile);
    const saved = await readJson(credsFile);
    expect(saved.refreshToken).toMatch(/^aorSim/);
    expect(saved.refreshToken).not.toBe(ORIGINAL_REFRESH_TOKEN);
    expect(`Bearer ${String(saved.accessToken)}`).toBe(upstreamAuthorizations(h.sim)[0]);
    expect(saved).toMatchObject({
      customSetting: { keep: true },
      startUrl: 'https://view.awsapps.com/start',
      authMethod: 'social',
      provider: 'Google',
      region: 'us-east-1',
    });
    expect(after.mode & 0o777).toBe(0o600);
    // A temp file renamed over the old one gets a new inode; an in-place write would not.
    expect(after.ino).not.toBe(before.ino);
    expect(await readdir(dir)).toEqual(['kiro-creds.json']);
  });

  it('presents the rotated token, never the old one, on the forced refresh after a rejected access token', async () => {
    await chat(h);
    const current = String((await readJson(credsFile)).refreshToken);
    const originalAttempts = h.sim.refreshCountFor(ORIGINAL_REFRESH_TOKEN);
    h.sim.reset();
    h.sim.expireAccessTokens();

    const res = await chat(h);

    expect(res.status).toBe(200);
    expect(h.sim.refreshCountFor(ORIGINAL_REFRESH_TOKEN)).toBe(originalAttempts);
    expect(h.sim.refreshCountFor(current)).toBe(1);
    expect(h.sim.stats.refreshes).toBe(1);
    expect(h.sim.stats.chatRequests).toBe(2);
  });
});

describe.each([
  ['authMethod "IdC"', { authMethod: 'IdC' }],
  ['a client id and secret without authMethod', {}],
])('KIRO_CREDS_FILE with AWS SSO OIDC credentials: %s (e2e)', (_label, method) => {
  const OIDC_REFRESH_TOKEN = 'oidc-refresh-token';
  const client = { clientId: 'file-client-id', clientSecret: 'file-client-secret' };
  let dir: string;
  let h: Harness;

  beforeAll(async () => {
    dir = await makeTempDir();
    const credsFile = join(dir, 'kiro-creds.json');
    await writeJson(credsFile, {
      accessToken: STALE_ACCESS_TOKEN,
      refreshToken: OIDC_REFRESH_TOKEN,
      expiresAt: PAST,
      profileArn: FILE_PROFILE_ARN,
      region: 'us-east-1',
      provider: 'BuilderId',
      ...client,
      ...method,
    });
    h = await startHarness({
      env: { KIRO_CREDS_FILE: credsFile },
      simulator: { refreshTokens: [OIDC_REFRESH_TOKEN], oidcClients: [client] },
    });
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refreshes through POST /token with a JSON camelCase body, once (at start-up, for the model list)', async () => {
    const res = await chat(h);

    expect(res.status).toBe(200);
    const tokenCalls = h.sim.requests.filter((r) => r.path === '/token');
    expect(tokenCalls.map((r) => r.body)).toEqual([
      { clientId: 'file-client-id', clientSecret: 'file-client-secret', grantType: 'refresh_token', refreshToken: 'oidc-refresh-token' },
    ]);
    expect(tokenCalls[0].headers['content-type']).toBe('application/json');
    expect(h.sim.stats.oidcRefreshes).toBe(1);
    expect(h.sim.stats.refreshes).toBe(0);
  });

  it("sends the file's profileArn to Kiro", async () => {
    await chat(h);

    const call = h.sim.requests.find((r) => r.path === '/generateAssistantResponse');
    expect((call?.body as { profileArn?: string }).profileArn).toBe(FILE_PROFILE_ARN);
  });
});

describe('Kiro IDE auto-discovery: social login (e2e)', () => {
  const IDE_REFRESH_TOKEN = 'ide-social-refresh-token';
  let home: string;
  let h: Harness;

  beforeAll(async () => {
    home = await makeTempDir();
    await writeJson(ideCachePath(home, 'kiro-auth-token.json'), socialLogin(IDE_REFRESH_TOKEN));
    h = await startHarness({
      env: { REFRESH_TOKEN: '', KIRO_HOME: home },
      simulator: { refreshTokens: [IDE_REFRESH_TOKEN] },
    });
  });
  afterAll(async () => {
    await h.close();
    await rm(home, { recursive: true, force: true });
  });
  beforeEach(() => h.sim.reset());

  it('serves chat requests with the discovered login', async () => {
    h.sim.enqueue(textReply('found you'));

    const res = await chat(h);

    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('found you');
    expect(h.sim.refreshCountFor(IDE_REFRESH_TOKEN)).toBe(1);
  });

  it('reports the Kiro IDE login as the source in GET /health', async () => {
    const res = await request(h.url).get('/health').set(bearer(PROXY_KEY));

    expect(res.status).toBe(200);
    expect(res.body.auth.mode).toBe('own-credentials');
    expect(res.body.auth.source).toBe(`Kiro IDE login at ${ideCachePath(home, 'kiro-auth-token.json')}`);
  });
});

describe('Kiro IDE auto-discovery: IdC login with a client registration (e2e)', () => {
  const IDC_REFRESH_TOKEN = 'ide-idc-refresh-token';
  const CLIENT_ID_HASH = '0d5b6a4f3c2e1a9b8c7d6e5f4a3b2c1d0e9f8a7b';
  const registration = { clientId: 'registered-client-id', clientSecret: 'registered-client-secret' };
  let home: string;
  let h: Harness;

  beforeAll(async () => {
    home = await makeTempDir();
    await writeJson(ideCachePath(home, 'kiro-auth-token.json'), {
      accessToken: STALE_ACCESS_TOKEN,
      refreshToken: IDC_REFRESH_TOKEN,
      expiresAt: PAST,
      region: 'us-east-1',
      authMethod: 'IdC',
      provider: 'BuilderId',
      clientIdHash: CLIENT_ID_HASH,
    });
    await writeJson(ideCachePath(home, `${CLIENT_ID_HASH}.json`), { ...registration, expiresAt: '2099-01-01T00:00:00.000Z' });
    h = await startHarness({
      env: { REFRESH_TOKEN: '', KIRO_HOME: home },
      simulator: { refreshTokens: [IDC_REFRESH_TOKEN], oidcClients: [registration] },
    });
  });
  afterAll(async () => {
    await h.close();
    await rm(home, { recursive: true, force: true });
  });

  it('refreshes through OIDC with the client id and secret from <clientIdHash>.json', async () => {
    const res = await chat(h);

    expect(res.status).toBe(200);
    expect(h.sim.requests.filter((r) => r.path === '/token').map((r) => r.body)).toEqual([
      { clientId: 'registered-client-id', clientSecret: 'registered-client-secret', grantType: 'refresh_token', refreshToken: 'ide-idc-refresh-token' },
    ]);
    expect(h.sim.stats.oidcRefreshes).toBe(1);
    expect(h.sim.stats.refreshes).toBe(0);
  });
});

/** Starts each test holding a valid access token, with clean counters. */
async function primeAccessToken(h: Harness): Promise<void> {
  expect((await chat(h)).status).toBe(200);
  h.sim.reset();
}

describe('an access token Kiro rejects with "bearer token invalid" (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => primeAccessToken(h));

  it('refreshes once and retries once, and the client gets 200', async () => {
    h.sim.expireAccessTokens();
    h.sim.enqueue(textReply('after refresh'));

    const res = await chat(h);

    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('after refresh');
    expect(h.sim.stats.refreshes).toBe(1);
    expect(h.sim.stats.chatRequests).toBe(2);
    const [rejected, retried] = upstreamAuthorizations(h.sim);
    expect(retried).not.toBe(rejected);
  });
});

describe('twelve concurrent requests whose access token Kiro rejects (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => primeAccessToken(h));

  it('share one refresh and all get 200', async () => {
    h.sim.expireAccessTokens();
    // The refresh the first rejection starts ends only once all twelve were rejected, whatever the machine's speed.
    h.sim.holdRefreshes(true);

    const replies = Promise.all(Array.from({ length: 12 }, () => chat(h)));
    await h.sim.waitFor((sim) => sim.stats.chatRequests === 12, 20_000);
    h.sim.holdRefreshes(false);
    const responses = await replies;

    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(h.sim.stats.refreshes).toBe(1);
    expect(h.sim.stats.chatRequests).toBe(24);
  });
});

describe('refusals a refresh cannot fix (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => primeAccessToken(h));

  it('answers a suspended account with 403 permission_error account_suspended, without refresh or retry', async () => {
    h.sim.enqueue(suspended());

    const res = await chat(h);

    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ type: 'permission_error', code: 'account_suspended' });
    expect(h.sim.stats.refreshes).toBe(0);
    expect(h.sim.stats.chatRequests).toBe(1);
  });

  it('answers an exhausted quota with 429 insufficient_quota, without refresh or retry', async () => {
    h.sim.enqueue(quotaExceeded());

    const res = await chat(h);

    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(h.sim.stats.refreshes).toBe(0);
    expect(h.sim.stats.chatRequests).toBe(1);
  });
});

describe('a dead refresh token (e2e)', () => {
  const DEAD_REFRESH_TOKEN = 'dead-refresh-token';
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { REFRESH_TOKEN: DEAD_REFRESH_TOKEN } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it.each([
    ['non-stream', false],
    ['stream', true],
  ])('answers a %s chat request with 401 authentication_error, not 500', async (_label, stream) => {
    const res = await chat(h, bearer(PROXY_KEY), { ...CHAT_BODY, stream });

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { message: REFRESH_REFUSED, type: 'authentication_error', param: null, code: 'kiro_credentials_invalid' } });
    expect(h.sim.stats.chatRequests).toBe(0);
  });

  it('keeps serving: GET /health answers 200 after a refused refresh', async () => {
    expect((await chat(h)).status).toBe(401);

    const res = await request(h.url).get('/health').set(bearer(PROXY_KEY));

    expect(res.status).toBe(200);
    expect(res.body.auth).toMatchObject({ mode: 'own-credentials', tokenValid: false });
  });
});

describe('multi-tenant KEY:REFRESH_TOKEN (e2e)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ simulator: { refreshDelayMs: 50 } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sim.reset());

  it("refreshes a tenant's token once for five sequential requests", async () => {
    const tenant = 'tenant-sequential-refresh-token';
    h.sim.addRefreshToken(tenant);

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await chat(h, bearer(tenantKey(tenant)))).status);

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(h.sim.refreshCountFor(tenant)).toBe(1);
  });

  it('refreshes once for five concurrent first requests of a new tenant', async () => {
    const tenant = 'tenant-concurrent-refresh-token';
    h.sim.addRefreshToken(tenant);

    const responses = await Promise.all(Array.from({ length: 5 }, () => chat(h, bearer(tenantKey(tenant)))));

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(h.sim.refreshCountFor(tenant)).toBe(1);
  });

  it("gives two tenants different access tokens upstream, neither the gateway's own", async () => {
    const tenantA = 'tenant-a-refresh-token';
    const tenantB = 'tenant-b-refresh-token';
    h.sim.addRefreshToken(tenantA);
    h.sim.addRefreshToken(tenantB);

    expect((await chat(h)).status).toBe(200);
    expect((await h.openai(tenantKey(tenantA)).chat.completions.create(CHAT_BODY)).object).toBe('chat.completion');
    expect((await h.openai(tenantKey(tenantB)).chat.completions.create(CHAT_BODY)).object).toBe('chat.completion');

    const [own, a, b] = upstreamAuthorizations(h.sim);
    expect([own, a, b].every((value) => /^Bearer aoaSim/.test(value ?? ''))).toBe(true);
    expect(new Set([own, a, b]).size).toBe(3);
    expect(h.sim.refreshCountFor(tenantA)).toBe(1);
    expect(h.sim.refreshCountFor(tenantB)).toBe(1);
  });

  it.each([
    { label: 'a non-stream reply', tenant: 'tenant-leak-known-1', known: true, body: CHAT_BODY, status: 200 },
    { label: 'a streamed reply', tenant: 'tenant-leak-known-2', known: true, body: { ...CHAT_BODY, stream: true }, status: 200 },
    { label: 'the 401 for a refused refresh token', tenant: 'tenant-leak-unknown-3', known: false, body: CHAT_BODY, status: 401 },
  ])('never echoes the tenant refresh token in $label', async ({ tenant, known, body, status }) => {
    if (known) h.sim.addRefreshToken(tenant);

    const res = await chat(h, bearer(tenantKey(tenant)), body);

    expect(res.status).toBe(status);
    expect(res.text).not.toContain(tenant);
    expect(JSON.stringify(res.headers)).not.toContain(tenant);
  });
});

describe('multi-tenant-only mode (e2e)', () => {
  let emptyHome: string;
  let h: Harness;

  beforeAll(async () => {
    emptyHome = await makeTempDir();
    h = await startHarness({ env: { REFRESH_TOKEN: '', KIRO_HOME: emptyHome } });
  });
  afterAll(async () => {
    await h.close();
    await rm(emptyHome, { recursive: true, force: true });
  });
  beforeEach(() => h.sim.reset());

  it('starts without credentials and reports multi-tenant-only in GET /health', async () => {
    const res = await request(h.url).get('/health').set(bearer(PROXY_KEY));

    expect(res.status).toBe(200);
    expect(res.body.auth).toMatchObject({ mode: 'multi-tenant-only', tokenValid: false, tenantsCached: 0 });
  });

  it('counts in GET /health only the tenants with a usable session, not one whose only refresh failed', async () => {
    h.sim.addRefreshToken('health-counted-tenant');
    const refused = await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}:tenant-token-kiro-refuses`).send({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] });
    const served = await request(h.url).post('/v1/chat/completions').set('Authorization', `Bearer ${PROXY_KEY}:health-counted-tenant`).send({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] });

    const res = await request(h.url).get('/health').set('Authorization', `Bearer ${PROXY_KEY}`);

    expect(refused.status).toBe(401);
    expect(served.status).toBe(200);
    expect(res.body.auth).toMatchObject({ mode: 'multi-tenant-only', tenantsCached: 1 });
  });

  it('answers a plain-key chat request with 401 telling the client to send KEY:REFRESH_TOKEN', async () => {
    const res = await chat(h);

    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: {
        message: 'This gateway has no Kiro credentials of its own. Send "Authorization: Bearer PROXY_API_KEY:YOUR_KIRO_REFRESH_TOKEN".',
        type: 'authentication_error',
        param: null,
        code: 'kiro_credentials_invalid',
      },
    });
    expect(h.sim.stats.chatRequests).toBe(0);
    expect(h.sim.stats.refreshes).toBe(0);
  });

  it('serves a tenant sending Authorization: Bearer KEY:REFRESH_TOKEN', async () => {
    const tenant = 'only-mode-bearer-tenant-token';
    h.sim.addRefreshToken(tenant);
    h.sim.enqueue(textReply('tenant ok'));

    const res = await chat(h, bearer(tenantKey(tenant)));

    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('tenant ok');
    expect(h.sim.refreshCountFor(tenant)).toBe(1);
  });

  it('serves a tenant sending x-api-key: KEY:REFRESH_TOKEN', async () => {
    const tenant = 'only-mode-x-api-key-tenant-token';
    h.sim.addRefreshToken(tenant);
    h.sim.enqueue(textReply('via x-api-key'));

    const res = await chat(h, { 'x-api-key': tenantKey(tenant) });

    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toBe('via x-api-key');
    expect(h.sim.refreshCountFor(tenant)).toBe(1);
  });
});
