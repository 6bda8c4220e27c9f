import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Chaos, type ChaosCounts, type ChaosOptions } from './chaos';
import { scenarioForRequest } from './directives';
import { BodyTooLargeError, mediaType, parseJson, readBody, sendJson, type JsonParse } from './http-utils';
import { DEFAULT_MAX_PAYLOAD_BYTES, IMPROPERLY_FORMED, validateKiroRequest, type KiroErrorBody } from './kiro-request-validator';
import { pageOfModels } from './model-catalog';
import { SimPromptCache } from './prompt-cache';
import { ScenarioPlayer, type PlayOutcome } from './scenario-player';
import { bearerTokenInvalid, type Scenario } from './scenarios';
import { SimAccount, type SimAccountOptions } from './sim-accounts';
import { answerMcp, type SearchScenario } from './web-search';

/**
 * A stand-in for Kiro's endpoints (protocol §1.3, §1.4, §2, §3, §4.1) for e2e tests, the demo and
 * the benchmark. It is as strict as the real service about request shape, and scripted per call.
 */

export interface OidcClient {
  clientId: string;
  clientSecret: string;
}

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Refresh tokens accepted by /refreshToken and /token; default ['sim-refresh-token']. */
  refreshTokens?: string[];
  /** Each refresh returns a new refresh token and invalidates the old one (§1.6, §8). */
  rotateRefreshTokens?: boolean;
  /** `expiresIn` of issued access tokens; default 3600. */
  accessTokenTtlSeconds?: number;
  /** Delay before answering a refresh, to make concurrent refreshes overlap (single-flight tests). */
  refreshDelayMs?: number;
  /** Default [{clientId: 'sim-client-id', clientSecret: 'sim-client-secret'}]. */
  oidcClients?: OidcClient[];
  /** Access tokens accepted without any refresh. */
  staticAccessTokens?: string[];
  /** Returned by the social refresh. */
  profileArn?: string;
  /** Whole-body limit for the validator; default 615000. */
  maxPayloadBytes?: number;
  /** Answer for valid chat calls when the queue is empty and no directive matches (e.g. a benchmark). */
  defaultScenario?: Scenario;
  /**
   * Further Kiro accounts, each with its own tokens, plan, catalog, usage limits and faults. The
   * options above (refreshTokens, staticAccessTokens) make up the account named 'default'.
   */
  accounts?: SimAccountOptions[];
  /** Keep every request in `requests` (default true); turn off for long benchmark runs. */
  recordRequests?: boolean;
  /** One line per request, for the standalone runner. */
  log?: (line: string) => void;
  /**
   * Serve Kiro's API over HTTPS with this key and certificate (e.g. selfSignedCertificate()), as
   * real Kiro does; the token endpoints stay on a second, plain HTTP listener (`authUrl`).
   */
  tls?: { key: string; cert: string };
  /** Chaos mode from the start (see setChaos). */
  chaos?: ChaosOptions;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the body parses, else the raw text; undefined when empty. */
  body: unknown;
  /** Status the simulator chose (200 for streams). */
  status?: number;
  /** The validator's detail when a chat body was refused. */
  violation?: string;
  /** Which connection it came on: 1 for the first the simulator accepted, 2 for the next, … */
  connection: number;
  /** The account the bearer token belongs to, when it belongs to one. */
  account?: string;
  /** POST /mcp: the query of a valid web search. */
  searchQuery?: string;
}

export interface SimulatorStats {
  chatRequests: number;
  completedStreams: number;
  /** Chat responses whose client closed the connection before the simulator finished writing. */
  aborts: number;
  /** Chat responses being played right now (streams, hangs, delayed errors). */
  activeStreams: number;
  /** Calls to POST /refreshToken. */
  refreshes: number;
  /** Calls to POST /token. */
  oidcRefreshes: number;
  modelListRequests: number;
  /** Calls to GET /getUsageLimits. */
  usageRequests: number;
  /** Chat calls refused with 400 for their shape, JSON or model. */
  rejected: number;
  /** Connections opened to the API listener (TLS handshakes when it serves HTTPS). */
  connections: number;
  /** Calls to POST /mcp (web search), valid or not. */
  searchRequests: number;
}

export const DEFAULT_SIM_REFRESH_TOKEN = 'sim-refresh-token';
export const DEFAULT_SIM_OIDC_CLIENT: OidcClient = Object.freeze({
  clientId: 'sim-client-id',
  clientSecret: 'sim-client-secret',
});
/** RS-X's family default for social logins (§2.3). */
export const DEFAULT_SIM_PROFILE_ARN = 'arn:aws:codewhisperer:us-east-1:699475941385:profile/EHGA3GRVQMUK';

/** Generous hard cap on what the simulator will buffer; the validator applies the real limit. */
const MAX_BUFFERED_BODY_BYTES = 32 * 1024 * 1024;
const INVALID_GRANT = { error: 'invalid_grant', error_description: 'Invalid refresh token provided' };
const OIDC_FIELDS = ['clientId', 'clientSecret', 'grantType', 'refreshToken'] as const;

const emptyStats = (): SimulatorStats => ({
  chatRequests: 0,
  completedStreams: 0,
  aborts: 0,
  activeStreams: 0,
  refreshes: 0,
  oidcRefreshes: 0,
  modelListRequests: 0,
  usageRequests: 0,
  rejected: 0,
  connections: 0,
  searchRequests: 0,
});

/** Per-request state handed to each route. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  query: Record<string, string>;
  raw: Buffer;
  json: JsonParse;
  record: RecordedRequest;
}

export class KiroSimulator {
  private readonly queue: Scenario[] = [];
  private readonly searchQueue: SearchScenario[] = [];
  /** Kiro's per-account prompt cache (§9.6), for unscripted answers to requests with checkpoints. */
  private readonly promptCache = new SimPromptCache();
  private readonly recorded: RecordedRequest[] = [];
  private counters = emptyStats();
  private readonly connectionIds = new WeakMap<object, number>();
  private connectionsSeen = 0;
  private closing = false;
  /** ListAvailableModels calls held unanswered (a slow catalog), answered when the hold ends. */
  private heldModelLists: Exchange[] | undefined;
  /** While set, token refreshes wait for it (a token service that answers only when told). */
  private refreshHold: { released: Promise<void>; release: () => void } | undefined;
  private chaos: Chaos | undefined;

  private constructor(
    private readonly servers: Server[],
    private readonly opts: SimulatorOptions,
    private readonly accountList: SimAccount[],
    readonly url: string,
    /** Where the token endpoints are: `url`, or a plain HTTP listener when `url` is HTTPS. */
    readonly authUrl: string,
  ) {}

  static async start(opts: SimulatorOptions = {}): Promise<KiroSimulator> {
    const tokenDefaults = { rotateRefreshTokens: opts.rotateRefreshTokens ?? false, accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3600 };
    const accounts = [
      new SimAccount(
        { name: 'default', refreshTokens: opts.refreshTokens ?? [DEFAULT_SIM_REFRESH_TOKEN], profileArn: opts.profileArn },
        { ...tokenDefaults, staticAccessTokens: opts.staticAccessTokens },
      ),
      ...(opts.accounts ?? []).map((account) => new SimAccount(account, tokenDefaults)),
    ];
    if (new Set(accounts.map((a) => a.name)).size !== accounts.length) throw new Error('simulator account names must be unique (and not "default")');
    const host = opts.host ?? '127.0.0.1';
    const api = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }) : createServer();
    const apiPort = await listen(api, host, opts.port ?? 0);
    const auth = opts.tls ? createServer() : undefined;
    const authPort = auth ? await listen(auth, host, 0) : apiPort;
    const url = `${opts.tls ? 'https' : 'http'}://${host}:${apiPort}`;
    const sim = new KiroSimulator(auth ? [api, auth] : [api], opts, accounts, url, auth ? `http://${host}:${authPort}` : url);
    api.on(opts.tls ? 'secureConnection' : 'connection', () => sim.counters.connections++);
    if (opts.chaos) sim.setChaos(opts.chaos);
    for (const server of sim.servers) {
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        sim.handle(req, res).catch((err: unknown) => {
          if (!res.headersSent) sendJson(res, 500, { message: `simulator bug: ${String(err)}`, reason: null });
          else res.destroy();
        });
      });
    }
    return sim;
  }

  /** Stops listening and destroys every open connection, including hung streams. */
  async close(): Promise<void> {
    this.closing = true;
    const closed = this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of this.servers) server.closeAllConnections();
    await Promise.all(closed);
    // Responses see their socket's 'close' a tick later; settle the counters before resolving.
    await this.waitFor((sim) => sim.counters.activeStreams === 0, 1000).catch(() => undefined);
  }

  /** Scripts the next chat calls, first in first out; each valid chat call consumes one. */
  enqueue(...scenarios: Scenario[]): this {
    this.queue.push(...scenarios);
    return this;
  }

  /** Scripts the answers of the next web searches (POST /mcp), first in first out; each valid search consumes one. */
  enqueueSearch(...answers: SearchScenario[]): this {
    this.searchQueue.push(...answers);
    return this;
  }

  /** The queries searched so far (valid calls to POST /mcp), oldest first. */
  get searchQueries(): string[] {
    return this.recorded.flatMap((record) => (record.path === '/mcp' && record.searchQuery !== undefined ? [record.searchQuery] : []));
  }

  /**
   * Chaos mode (test/simulator/chaos.ts): every valid chat call after this fails at random,
   * scripted ones included; undefined turns it off. The counts start from zero.
   */
  setChaos(options: ChaosOptions | undefined): void {
    this.chaos = options && new Chaos(options);
  }

  /** What chaos mode injected since it was set (undefined when it is off). */
  get chaosCounts(): Readonly<ChaosCounts> | undefined {
    return this.chaos?.counts;
  }

  get pendingScenarios(): number {
    return this.queue.length;
  }

  /** Clears the queue, the recorded requests and the counters; tokens stay valid. */
  reset(): void {
    this.queue.length = 0;
    this.searchQueue.length = 0;
    this.promptCache.clear();
    this.recorded.length = 0;
    const active = this.counters.activeStreams;
    this.counters = { ...emptyStats(), activeStreams: active };
  }

  /**
   * While on, ListAvailableModels answers nothing (as a slow or stuck Kiro would); turning it off
   * answers the calls held so far.
   */
  hangModelList(on: boolean): void {
    if (on) {
      this.heldModelLists ??= [];
      return;
    }
    const held = this.heldModelLists ?? [];
    this.heldModelLists = undefined;
    for (const x of held) if (!x.res.destroyed) this.listModels(x, true);
  }

  /**
   * While on, token refreshes (social and OIDC) are received but answered only once it is turned
   * off: a test can have every request of a burst reach Kiro before the refresh ends, however
   * slow the machine.
   */
  holdRefreshes(on: boolean): void {
    if (on) {
      if (!this.refreshHold) {
        let release = () => {};
        const released = new Promise<void>((resolve) => (release = resolve));
        this.refreshHold = { released, release };
      }
      return;
    }
    this.refreshHold?.release();
    this.refreshHold = undefined;
  }

  /** One account by name ('default' is the one of the top-level options); throws for an unknown name. */
  account(name: string): SimAccount {
    const account = this.accountList.find((candidate) => candidate.name === name);
    if (!account) throw new Error(`no simulator account "${name}"`);
    return account;
  }

  get accounts(): readonly SimAccount[] {
    return this.accountList;
  }

  expireAccessTokens(): void {
    for (const account of this.accountList) account.tokens.expireAccessTokens();
  }

  addRefreshToken(token: string): void {
    this.account('default').tokens.addRefreshToken(token);
  }

  /** Refresh calls (social or OIDC) that presented this refresh token, accepted or not. */
  /** The environment that points a gateway at this simulator with its default login. */
  gatewayEnv(): Record<string, string> {
    return {
      KIRO_API_HOST: this.url,
      KIRO_Q_HOST: this.url,
      KIRO_REFRESH_URL: `${this.authUrl}/refreshToken`,
      KIRO_OIDC_URL: `${this.authUrl}/token`,
      REFRESH_TOKEN: DEFAULT_SIM_REFRESH_TOKEN,
    };
  }

  refreshCountFor(refreshToken: string): number {
    return this.accountList.reduce((sum, account) => sum + account.tokens.attemptsFor(refreshToken), 0);
  }

  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  get stats(): Readonly<SimulatorStats> {
    return this.counters;
  }

  /** Polls the simulator's state until `predicate` holds, so tests never sleep a fixed time. */
  async waitFor(predicate: (sim: this) => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() >= deadline) {
        throw new Error(`KiroSimulator.waitFor timed out after ${timeoutMs} ms; stats ${JSON.stringify(this.counters)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const requestId = randomUUID();
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      connection: this.connectionId(req.socket),
    };
    if (this.opts.recordRequests ?? true) this.recorded.push(record);
    const log = this.opts.log;
    if (log) res.once('close', () => log(`${record.method} ${req.url} -> ${res.statusCode}${record.violation ? ` (${record.violation})` : ''}`));

    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BUFFERED_BODY_BYTES);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      res.shouldKeepAlive = false;
      return this.answer(res, record, 413, { message: err.message, reason: null });
    }
    const text = raw.toString('utf8');
    const json = text.length > 0 ? parseJson(text) : ({ ok: false, error: 'empty body' } as const);
    record.body = json.ok ? json.value : text.length > 0 ? text : undefined;
    const exchange: Exchange = { req, res, requestId, query: record.query, raw, json, record };

    const route = `${record.method} ${record.path}`;
    switch (route) {
      case 'POST /generateAssistantResponse':
        return this.chat(exchange);
      case 'POST /mcp':
        return this.mcp(exchange);
      case 'GET /ListAvailableModels':
        return this.listModels(exchange);
      case 'GET /getUsageLimits':
        return this.usageLimits(exchange);
      case 'POST /refreshToken':
        return this.socialRefresh(exchange);
      case 'POST /token':
        return this.oidcRefresh(exchange);
      default:
        return this.answer(res, record, 404, { message: `No route for ${route}`, reason: null });
    }
  }

  private connectionId(socket: object): number {
    let id = this.connectionIds.get(socket);
    if (id === undefined) this.connectionIds.set(socket, (id = ++this.connectionsSeen));
    return id;
  }

  private answer(res: ServerResponse, record: RecordedRequest, status: number, body: unknown, requestId?: string): void {
    record.status = status;
    sendJson(res, status, body, requestId ? { 'x-amzn-requestid': requestId } : {});
  }

  /**
   * The account of `Bearer <issued, unexpired token>`, or of `Bearer ksk_…` sent with
   * `tokentype: API_KEY` (an API key without that header is not taken); anything else is the
   * refreshable 403 (§3.4).
   */
  private authorized(req: IncomingMessage): SimAccount | undefined {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!match) return undefined;
    const token = match[1];
    if (token.startsWith('ksk_')) {
      if (req.headers.tokentype !== 'API_KEY') return undefined;
      return this.accountList.find((account) => account.apiKeys.has(token));
    }
    return this.accountList.find((account) => account.tokens.isAccessTokenValid(token));
  }

  private async chat(x: Exchange): Promise<void> {
    this.counters.chatRequests++;
    const account = this.authorized(x.req);
    if (!account) {
      const forbidden = bearerTokenInvalid();
      return this.answer(x.res, x.record, forbidden.status, forbidden.body, x.requestId);
    }
    x.record.account = account.name;
    account.stats.chatRequests++;
    const refusal = account.chatRefusal();
    if (refusal) return this.answer(x.res, x.record, refusal.status, refusal.body, x.requestId);
    const contentType = mediaType(x.req.headers['content-type']);
    if (contentType !== 'application/json') {
      return this.refuse(x, IMPROPERLY_FORMED, `content-type must be application/json, got "${contentType}"`);
    }
    if (!x.json.ok) return this.refuse(x, IMPROPERLY_FORMED, `body is not valid JSON: ${x.json.error}`);

    const violation = validateKiroRequest(x.json.value, {
      maxPayloadBytes: this.opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      bodyBytes: x.raw.length,
      knownModelIds: account.modelIds,
    });
    if (violation) return this.refuse(x, violation.body, violation.detail);

    const planned = this.queue.shift() ?? this.opts.defaultScenario ?? this.unscripted(x.json.value, account);
    const scenario = this.chaos ? this.chaos.apply(planned) : planned;
    x.record.status = scenario.kind === 'http-error' ? scenario.status : scenario.kind === 'stream' ? 200 : undefined;
    if (scenario.kind === 'stream') {
      account.stats.served++;
      // What the stream meters is what the account has used (§9.4).
      for (const event of scenario.events) if (event.type === 'metering') account.used += event.usage;
    }
    this.counters.activeStreams++;
    const player = new ScenarioPlayer(x.res, scenario, x.requestId, (outcome) => this.onPlayed(scenario, outcome));
    await player.play();
  }

  /** Web search through Kiro's MCP endpoint (kiro-protocol.md §9.7; test/simulator/web-search.ts). */
  private mcp(x: Exchange): void {
    this.counters.searchRequests++;
    const account = this.authorized(x.req);
    if (!account) {
      const forbidden = bearerTokenInvalid();
      return this.answer(x.res, x.record, forbidden.status, forbidden.body, x.requestId);
    }
    x.record.account = account.name;
    const body = x.json.ok && mediaType(x.req.headers['content-type']) === 'application/json' ? x.json.value : undefined;
    const answer = answerMcp(body, { webSearch: account.webSearch, scripted: () => this.searchQueue.shift() });
    x.record.searchQuery = answer.query;
    x.record.violation = answer.violation;
    x.record.status = answer.status;
    const headers: Record<string, string> = { 'x-amzn-requestid': x.requestId };
    if (answer.violation) headers['x-sim-violation'] = headerSafe(answer.violation);
    if (answer.status === 429) headers['x-amzn-errortype'] = 'ThrottlingException';
    sendJson(x.res, answer.status, answer.body, headers);
  }

  /** The directed answer, priced by the account's prompt cache when the model offers caching. */
  private unscripted(body: unknown, account: SimAccount): Scenario {
    const scenario = scenarioForRequest(body);
    const modelId = (body as { conversationState: { currentMessage: { userInputMessage: { modelId: string } } } }).conversationState.currentMessage.userInputMessage.modelId;
    const model = account.catalog.find((entry) => entry.modelId === modelId);
    if (scenario.kind !== 'stream' || !model?.promptCaching) return scenario;
    return this.promptCache.price(body, account.name, { minimumTokensPerCheckpoint: model.promptCaching.minimumTokensPerCacheCheckpoint, rateMultiplier: model.rateMultiplier }, scenario);
  }

  private onPlayed(scenario: Scenario, outcome: PlayOutcome): void {
    this.counters.activeStreams--;
    if (outcome === 'completed' && scenario.kind === 'stream') this.counters.completedStreams++;
    // Connections torn down by close() are the simulator leaving, not the client.
    if (outcome === 'aborted' && !this.closing) this.counters.aborts++;
  }

  /** A 400 with the real body, plus a debug header naming the rule, as the brief for tests asks. */
  private refuse(x: Exchange, body: KiroErrorBody, detail: string): void {
    this.counters.rejected++;
    x.record.violation = detail;
    x.record.status = 400;
    sendJson(x.res, 400, body, { 'x-amzn-requestid': x.requestId, 'x-sim-violation': headerSafe(detail) });
  }

  private listModels(x: Exchange, released = false): void {
    if (!released) this.counters.modelListRequests++;
    if (this.heldModelLists) {
      this.heldModelLists.push(x);
      return;
    }
    const account = this.authorized(x.req);
    if (!account) {
      const forbidden = bearerTokenInvalid();
      return this.answer(x.res, x.record, forbidden.status, forbidden.body, x.requestId);
    }
    x.record.account = account.name;
    account.stats.modelListRequests++;
    if (!x.query.origin) return this.refuseQuery(x, 'query parameter origin is required (e.g. AI_EDITOR)');
    const page = pageOfModels(account.catalog, x.query);
    if (typeof page === 'string') return this.refuseQuery(x, page);
    this.answer(x.res, x.record, 200, page, x.requestId);
  }

  /** getUsageLimits (§4.2, §9.3) of the caller's account; origin and resourceType are required. */
  private usageLimits(x: Exchange): void {
    this.counters.usageRequests++;
    const account = this.authorized(x.req);
    if (!account) {
      const forbidden = bearerTokenInvalid();
      return this.answer(x.res, x.record, forbidden.status, forbidden.body, x.requestId);
    }
    x.record.account = account.name;
    account.stats.usageRequests++;
    if (!x.query.origin || !x.query.resourceType) return this.refuseQuery(x, 'query parameters origin and resourceType are required');
    const refusal = account.usageRefusal();
    if (refusal) return this.answer(x.res, x.record, refusal.status, refusal.body, x.requestId);
    this.answer(x.res, x.record, 200, account.usageLimits(), x.requestId);
  }

  private refuseQuery(x: Exchange, detail: string): void {
    x.record.violation = detail;
    x.record.status = 400;
    sendJson(x.res, 400, IMPROPERLY_FORMED, { 'x-amzn-requestid': x.requestId, 'x-sim-violation': headerSafe(detail) });
  }

  /** Kiro desktop refresh (§1.3): JSON {refreshToken} → {accessToken, refreshToken, profileArn, expiresIn}. */
  private async socialRefresh(x: Exchange): Promise<void> {
    this.counters.refreshes++;
    const body = x.json.ok ? x.json.value : undefined;
    const refreshToken = isRecord(body) ? body.refreshToken : undefined;
    if (typeof refreshToken !== 'string' || refreshToken.length === 0) {
      return this.answer(x.res, x.record, 400, {
        error: 'invalid_request',
        error_description: 'Body must be JSON with a non-empty refreshToken',
      });
    }
    const { issued, account } = this.refreshFor(refreshToken);
    await this.refreshDelay();
    if (!issued) return this.answer(x.res, x.record, 400, INVALID_GRANT);
    this.answer(x.res, x.record, 200, {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      profileArn: account?.profileArn ?? DEFAULT_SIM_PROFILE_ARN,
      expiresIn: issued.expiresIn,
    });
  }

  /**
   * AWS SSO OIDC CreateToken (§1.4): JSON with camelCase fields only. Form-urlencoded snake_case
   * is the old JW-old bug the real endpoint refuses, so it gets invalid_request here too.
   */
  private async oidcRefresh(x: Exchange): Promise<void> {
    this.counters.oidcRefreshes++;
    const invalidRequest = (description: string): void =>
      this.answer(x.res, x.record, 400, { error: 'invalid_request', error_description: description });

    if (mediaType(x.req.headers['content-type']) !== 'application/json' || !x.json.ok || !isRecord(x.json.value)) {
      return invalidRequest('Request body must be JSON: {clientId, clientSecret, grantType, refreshToken}');
    }
    const body = x.json.value;
    const missing = OIDC_FIELDS.filter((field) => typeof body[field] !== 'string' || body[field] === '');
    if (missing.length > 0) return invalidRequest(`Missing or invalid camelCase field(s): ${missing.join(', ')}`);
    if (body.grantType !== 'refresh_token') {
      return this.answer(x.res, x.record, 400, {
        error: 'unsupported_grant_type',
        error_description: `Unsupported grant type: ${String(body.grantType)}`,
      });
    }
    const clients = this.opts.oidcClients ?? [DEFAULT_SIM_OIDC_CLIENT];
    if (!clients.some((c) => c.clientId === body.clientId && c.clientSecret === body.clientSecret)) {
      return this.answer(x.res, x.record, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
    }
    const { issued } = this.refreshFor(body.refreshToken as string);
    await this.refreshDelay();
    if (!issued) return this.answer(x.res, x.record, 400, INVALID_GRANT);
    this.answer(x.res, x.record, 200, {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresIn: issued.expiresIn,
      tokenType: 'Bearer',
    });
  }

  /** The account holding this refresh token refreshes it, unless its fault refuses (invalid_grant). */
  private refreshFor(refreshToken: string): { issued: ReturnType<SimAccount['tokens']['refresh']>; account?: SimAccount } {
    const account = this.accountList.find((candidate) => candidate.tokens.knows(refreshToken));
    if (!account) {
      // Counted against the default account, so refreshCountFor sees refused attempts too.
      this.accountList[0].tokens.refresh(refreshToken);
      return { issued: undefined };
    }
    account.stats.refreshes++;
    if (account.refusesRefresh()) {
      account.tokens.countAttempt(refreshToken);
      return { issued: undefined, account };
    }
    return { issued: account.tokens.refresh(refreshToken), account };
  }

  private async refreshDelay(): Promise<void> {
    const ms = this.opts.refreshDelayMs ?? 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    await this.refreshHold?.released;
  }
}

/** Header values must be printable latin1; details may quote user text (CJK, newlines). */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
