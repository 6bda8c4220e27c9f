import { request } from 'node:http';
import { ClientAbortedError, UpstreamThrottledError } from '../../common/errors';
import { parseGatewayEnv } from '../../config/env.schema';
import { DEFAULT_SIM_PROFILE_ARN, KiroSimulator } from '../../../test/simulator';
import type { KiroSession } from '../kiro-session';
import { UndiciKiroTransport } from '../undici-kiro-transport';
import { KiroWebSearch, WebSearchUnavailableError } from './kiro-web-search.service';

/** A session holding one access token the simulator issued (through its refresh endpoint). */
class SimSession implements KiroSession {
  readonly machineId = 'a'.repeat(64);
  refreshes = 0;
  constructor(
    private token: string,
    readonly profileArn: string | undefined,
    private readonly fresh: () => Promise<string>,
  ) {}
  async getAccessToken(): Promise<string> {
    return this.token;
  }
  async refreshAfterRejection(): Promise<string> {
    this.refreshes++;
    this.token = await this.fresh();
    return this.token;
  }
}

/** An account not used yet: it learns its profile ARN from its first refresh, as a pooled account does. */
class FirstUseSession extends SimSession {
  override profileArn: string | undefined = undefined;
  override async getAccessToken(): Promise<string> {
    this.profileArn = DEFAULT_SIM_PROFILE_ARN;
    return super.getAccessToken();
  }
}

function issueToken(sim: KiroSimulator, refreshToken = 'sim-refresh-token'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${sim.authUrl}/refreshToken`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve((JSON.parse(text) as { accessToken: string }).accessToken));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ refreshToken }));
  });
}

describe(KiroWebSearch.name, () => {
  let sim: KiroSimulator;
  let search: KiroWebSearch;
  let session: SimSession;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    sim = await KiroSimulator.start({ accounts: [{ name: 'free', webSearch: false, profileArn: DEFAULT_SIM_PROFILE_ARN }] });
    const config = parseGatewayEnv({ PROXY_API_KEY: 'a-long-test-key', KIRO_API_HOST: sim.url, WEB_SEARCH_TIMEOUT: '2', MAX_RETRIES: '2', BASE_RETRY_DELAY: '0.01' });
    search = new KiroWebSearch(config, new UndiciKiroTransport(config));
  });
  beforeEach(async () => {
    sim.reset();
    session = new SimSession(await issueToken(sim), DEFAULT_SIM_PROFILE_ARN, () => issueToken(sim));
  });
  afterAll(() => sim.close());

  it('searches through POST /mcp with the profile ARN in the header and at the root of the body', async () => {
    const outcome = await search.search(session, '  kiro   gateway ', signal);

    expect(outcome.query).toBe('kiro gateway');
    expect(outcome.hits.map((hit) => hit.title)).toEqual(['Result 1 for kiro gateway', 'Result 2 for kiro gateway', 'Result 3 for kiro gateway']);
    const call = sim.requests.find((r) => r.path === '/mcp')!;
    expect(call.status).toBe(200);
    expect(call.violation).toBeUndefined();
    expect(call.headers['x-amzn-kiro-profile-arn']).toBe(DEFAULT_SIM_PROFILE_ARN);
    expect(call.body).toMatchObject({ profileArn: DEFAULT_SIM_PROFILE_ARN, params: { arguments: { query: 'kiro gateway' } } });
  });

  it('finds nothing, without an error, when Kiro says "Tool returned no results"', async () => {
    sim.enqueueSearch({ kind: 'no-results' });
    await expect(search.search(session, 'nothing', signal)).resolves.toEqual({ query: 'nothing', hits: [] });
  });

  it('keeps Kiro\'s throttling a 429 once it outlasts MAX_RETRIES', async () => {
    sim.enqueueSearch({ kind: 'throttled' }, { kind: 'throttled' }, { kind: 'throttled' });
    const error = await search.search(session, 'q', signal).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamThrottledError);
    expect((error as UpstreamThrottledError).status).toBe(429);
    expect(sim.requests.filter((r) => r.path === '/mcp').map((r) => r.status)).toEqual([429, 429, 429]);
  });

  it('asks a throttled search again and returns what the retry finds', async () => {
    sim.enqueueSearch({ kind: 'throttled' });

    await expect(search.search(session, 'q', signal)).resolves.toMatchObject({ query: 'q', hits: expect.arrayContaining([expect.objectContaining({ title: 'Result 1 for q' })]) });
    expect(sim.requests.filter((r) => r.path === '/mcp').map((r) => r.status)).toEqual([429, 200]);
  });

  it('refreshes a rejected token once and searches again', async () => {
    sim.expireAccessTokens();
    await expect(search.search(session, 'q', signal)).resolves.toMatchObject({ hits: expect.any(Array) });
    expect(session.refreshes).toBe(1);
  });

  it('says clearly that an account without a profile cannot search, without calling Kiro', async () => {
    const noProfile = new SimSession(await issueToken(sim), undefined, () => issueToken(sim));
    await expect(search.search(noProfile, 'q', signal)).rejects.toThrow(/Web search needs a Kiro account with a profile/);
    expect(sim.stats.searchRequests).toBe(0);
  });

  it('searches on an account not used yet, whose first refresh brings its profile ARN', async () => {
    const unused = new FirstUseSession(await issueToken(sim), undefined, () => issueToken(sim));

    await expect(search.search(unused, 'q', signal)).resolves.toMatchObject({ hits: expect.any(Array) });
    expect(sim.requests.find((r) => r.path === '/mcp')?.headers['x-amzn-kiro-profile-arn']).toBe(DEFAULT_SIM_PROFILE_ARN);
  });

  it('says clearly that the plan has no web search when Kiro refuses it with a 403', async () => {
    const free = new SimSession(await issueToken(sim, 'free-refresh-token'), DEFAULT_SIM_PROFILE_ARN, () => issueToken(sim, 'free-refresh-token'));
    const error = await search.search(free, 'q', signal).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WebSearchUnavailableError);
    expect((error as WebSearchUnavailableError).status).toBe(403);
    expect((error as Error).message).toMatch(/refused web search for this account/);
  });

  it('stops when the client has gone', async () => {
    const gone = new AbortController();
    gone.abort();
    await expect(search.search(session, 'q', gone.signal)).rejects.toBeInstanceOf(ClientAbortedError);
  });
});
