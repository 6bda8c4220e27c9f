import { readFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { DEFAULT_SIM_PROFILE_ARN, KiroSimulator } from './kiro-simulator';
import { textReply, throttled } from './scenarios';
import { decodeFrames, type DecodedFrame } from './test-frames';

interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** How many 'data' events the body arrived in. */
  reads: number;
  /** False when the connection ended before the response did (a cut). */
  complete: boolean;
}

interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Destroy the request after this many body reads (a client disconnect). */
  destroyAfterReads?: number;
}

/** A raw node:http call (no pooling), so tests see every read and can disconnect at will. */
function send(sim: KiroSimulator, path: string, opts: SendOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(`${sim.url}${path}`, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (chunks.length === opts.destroyAfterReads) req.destroy();
      });
      res.on('error', () => undefined); // 'aborted' after a cut: judged by `complete` below
      res.on('close', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), reads: chunks.length, complete: res.complete }),
      );
    });
    req.on('error', (err) => (opts.destroyAfterReads ? undefined : reject(err)));
    req.end(opts.body);
  });
}

const postJson = (sim: KiroSimulator, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> =>
  send(sim, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const json = (result: HttpResult): unknown => JSON.parse(result.body.toString('utf8'));

async function accessToken(sim: KiroSimulator): Promise<string> {
  const result = await postJson(sim, '/refreshToken', { refreshToken: 'sim-refresh-token' });
  return (json(result) as { accessToken: string }).accessToken;
}

function chatBody(content: string, tools?: unknown[]): unknown {
  return {
    conversationState: {
      chatTriggerType: 'MANUAL',
      conversationId: 'conv-1',
      currentMessage: {
        userInputMessage: {
          content,
          modelId: 'claude-sonnet-4.5',
          origin: 'AI_EDITOR',
          ...(tools ? { userInputMessageContext: { tools } } : {}),
        },
      },
      history: [],
    },
  };
}

async function chat(sim: KiroSimulator, body: unknown, extra: SendOptions = {}): Promise<HttpResult> {
  const token = await accessToken(sim);
  return send(sim, '/generateAssistantResponse', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...extra,
  });
}

const textOf = (frames: DecodedFrame[]): string =>
  frames
    .filter((f) => f.headers[':event-type'] === 'assistantResponseEvent')
    .map((f) => (f.payload as { content: string }).content)
    .join('');

describe(KiroSimulator.name, () => {
  let sim: KiroSimulator;

  beforeEach(async () => {
    sim = await KiroSimulator.start();
  });

  afterEach(async () => {
    await sim.close();
  });

  describe('POST /refreshToken', () => {
    it('issues an access token for a known refresh token', async () => {
      const result = await postJson(sim, '/refreshToken', { refreshToken: 'sim-refresh-token' });

      expect(result.status).toBe(200);
      expect(json(result)).toEqual({
        accessToken: expect.stringMatching(/^aoaSim/),
        refreshToken: 'sim-refresh-token',
        profileArn: DEFAULT_SIM_PROFILE_ARN,
        expiresIn: 3600,
      });
    });

    it('refuses an unknown refresh token with invalid_grant', async () => {
      const result = await postJson(sim, '/refreshToken', { refreshToken: 'nope' });

      expect(result.status).toBe(400);
      expect(json(result)).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token provided' });
    });

    it('counts refresh attempts per refresh token', async () => {
      await postJson(sim, '/refreshToken', { refreshToken: 'sim-refresh-token' });
      await postJson(sim, '/refreshToken', { refreshToken: 'sim-refresh-token' });

      expect(sim.refreshCountFor('sim-refresh-token')).toBe(2);
    });

    it('invalidates the old refresh token when rotation is on', async () => {
      const rotating = await KiroSimulator.start({ rotateRefreshTokens: true });
      try {
        const first = json(await postJson(rotating, '/refreshToken', { refreshToken: 'sim-refresh-token' })) as { refreshToken: string };
        const reused = await postJson(rotating, '/refreshToken', { refreshToken: 'sim-refresh-token' });
        const next = await postJson(rotating, '/refreshToken', { refreshToken: first.refreshToken });

        expect(first.refreshToken).not.toBe('sim-refresh-token');
        expect(reused.status).toBe(400);
        expect(json(reused)).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token provided' });
        expect(next.status).toBe(200);
      } finally {
        await rotating.close();
      }
    });
  });

  describe('POST /token (OIDC CreateToken)', () => {
    const camelCase = {
      clientId: 'sim-client-id',
      clientSecret: 'sim-client-secret',
      grantType: 'refresh_token',
      refreshToken: 'sim-refresh-token',
    };

    it('accepts a camelCase JSON body', async () => {
      const result = await postJson(sim, '/token', camelCase);

      expect(result.status).toBe(200);
      expect(json(result)).toEqual({
        accessToken: expect.stringMatching(/^aoaSim/),
        refreshToken: 'sim-refresh-token',
        expiresIn: 3600,
        tokenType: 'Bearer',
      });
    });

    it('refuses a form-urlencoded snake_case body', async () => {
      const result = await send(sim, '/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=refresh_token&client_id=sim-client-id&client_secret=sim-client-secret&refresh_token=sim-refresh-token',
      });

      expect(result.status).toBe(400);
      expect(json(result)).toEqual({
        error: 'invalid_request',
        error_description: 'Request body must be JSON: {clientId, clientSecret, grantType, refreshToken}',
      });
    });

    it('refuses snake_case JSON', async () => {
      const result = await postJson(sim, '/token', {
        client_id: 'sim-client-id',
        client_secret: 'sim-client-secret',
        grant_type: 'refresh_token',
        refresh_token: 'sim-refresh-token',
      });

      expect(result.status).toBe(400);
      expect(json(result)).toEqual({
        error: 'invalid_request',
        error_description: 'Missing or invalid camelCase field(s): clientId, clientSecret, grantType, refreshToken',
      });
    });

    it('refuses an unknown refresh token with invalid_grant', async () => {
      const result = await postJson(sim, '/token', { ...camelCase, refreshToken: 'nope' });

      expect(result.status).toBe(400);
      expect(json(result)).toEqual({ error: 'invalid_grant', error_description: 'Invalid refresh token provided' });
    });
  });

  describe('GET /ListAvailableModels', () => {
    it('pages the catalog with maxResults and nextToken', async () => {
      const auth = { authorization: `Bearer ${await accessToken(sim)}` };

      const first = json(await send(sim, '/ListAvailableModels?origin=AI_EDITOR&maxResults=5', { headers: auth })) as {
        models: { modelId: string }[];
        nextToken: string;
      };
      const second = json(
        await send(sim, `/ListAvailableModels?origin=AI_EDITOR&maxResults=5&nextToken=${first.nextToken}`, { headers: auth }),
      ) as { defaultModel: unknown; models: { modelId: string }[]; nextToken?: string };

      expect(first.models.map((m) => m.modelId)).toEqual([
        'auto',
        'claude-sonnet-4.5',
        'claude-sonnet-4',
        'claude-haiku-4.5',
        'claude-opus-4.5',
      ]);
      expect(second.models.map((m) => m.modelId)).toEqual(['claude-sonnet-4.6', 'claude-opus-4.6', 'claude-opus-4.7']);
      expect(second.defaultModel).toEqual({ modelId: 'auto' });
      expect(second.nextToken).toBeUndefined();
    });

    it('describes each model in the §4.1 shape', async () => {
      const result = await send(sim, '/ListAvailableModels?origin=AI_EDITOR', {
        headers: { authorization: `Bearer ${await accessToken(sim)}` },
      });

      const { models } = json(result) as { models: unknown[] };
      expect(models[5]).toEqual({
        modelId: 'claude-sonnet-4.6',
        modelName: 'Claude Sonnet 4.6',
        description: 'Sonnet with a 1M-token context window',
        rateMultiplier: 1.3,
        rateUnit: 'Credit',
        supportedInputTypes: ['TEXT', 'IMAGE'],
        tokenLimits: { maxInputTokens: 1_000_000, maxOutputTokens: 64_000 },
        promptCaching: { supportsPromptCaching: true, maximumCacheCheckpointsPerRequest: 4, minimumTokensPerCacheCheckpoint: 1024 },
        additionalModelRequestFieldsSchema: {
          type: 'object',
          additionalProperties: false,
          properties: {
            thinking: {
              type: 'object',
              additionalProperties: false,
              properties: { type: { type: 'string', enum: ['adaptive', 'disabled'] }, display: { type: 'string', enum: ['summarized', 'omitted'] } },
            },
            output_config: { type: 'object', additionalProperties: false, properties: { effort: { type: 'string', enum: ['low', 'medium', 'high'] } } },
          },
        },
      });
    });
  });

  describe('POST /mcp (web search, kiro-protocol.md §9.7)', () => {
    const searchBody = (query: string, extra: Record<string, unknown> = {}) => ({
      id: 'web_search_tooluse_abcdefghijABCDEFGHIJ12_1764600000000_abcd1234',
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { name: 'web_search', arguments: { query } },
      profileArn: DEFAULT_SIM_PROFILE_ARN,
      ...extra,
    });

    it('answers a search, records its query and plays the scripted answers in order', async () => {
      const token = await accessToken(sim);
      sim.enqueueSearch({ kind: 'no-results' });

      const first = await postJson(sim, '/mcp', searchBody('first'), { authorization: `Bearer ${token}` });
      const second = await postJson(sim, '/mcp', searchBody('second'), { authorization: `Bearer ${token}` });

      expect(json(first)).toMatchObject({ error: { code: -32602, message: 'Tool returned no results' } });
      expect(json(second)).toMatchObject({ result: { isError: false } });
      expect(sim.searchQueries).toEqual(['first', 'second']);
      expect(sim.stats.searchRequests).toBe(2);
    });

    it('answers 403 to an unknown bearer token', async () => {
      const result = await postJson(sim, '/mcp', searchBody('q'), { authorization: 'Bearer forged' });

      expect(result.status).toBe(403);
      expect(json(result)).toEqual({ message: 'The bearer token included in the request is invalid.', reason: null });
    });

    it('refuses a body without the root profileArn, naming the rule, and consumes no scripted answer', async () => {
      const token = await accessToken(sim);
      sim.enqueueSearch({ kind: 'throttled' });

      const result = await postJson(sim, '/mcp', searchBody('q', { profileArn: undefined }), { authorization: `Bearer ${token}` });

      expect(result.status).toBe(400);
      expect(json(result)).toEqual({ message: 'profileArn is required for this request.', reason: null });
      expect(result.headers['x-sim-violation']).toBe('profileArn missing at the root of the body');
      expect((await postJson(sim, '/mcp', searchBody('q'), { authorization: `Bearer ${token}` })).status).toBe(429);
    });
  });

  describe('POST /generateAssistantResponse', () => {
    it('streams the default reply as event-stream frames', async () => {
      const result = await chat(sim, chatBody('Hi there'));

      const frames = decodeFrames(result.body);
      expect(result.status).toBe(200);
      expect(result.headers['content-type']).toBe('application/vnd.amazon.eventstream');
      expect(result.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(textOf(frames)).toBe('Hello from the Kiro simulator! You said: "Hi there"');
      expect(frames.slice(-2)).toEqual([
        {
          headers: { ':event-type': 'contextUsageEvent', ':content-type': 'application/json', ':message-type': 'event' },
          // Kiro's system prompt (2,800 tokens) and "Hi there" (2) of the model's 200,000: a realistic share, not a fixed one.
          payload: { contextUsagePercentage: 1.401 },
        },
        {
          headers: { ':event-type': 'meteringEvent', ':content-type': 'application/json', ':message-type': 'event' },
          payload: { usage: 0.01, unit: 'credit', unitPlural: 'credits' },
        },
      ]);
    });

    it('accepts a real Kiro IDE request', async () => {
      const body = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'kiro-requests', 'ide-tool-results.json'), 'utf8'));

      const result = await chat(sim, body);

      expect(result.status).toBe(200);
      expect(textOf(decodeFrames(result.body))).toBe('Hello from the Kiro simulator! I received 1 tool result(s): "Created the Output/output.txt file."');
    });

    it('answers 403 to an unknown bearer token', async () => {
      const result = await send(sim, '/generateAssistantResponse', {
        method: 'POST',
        headers: { authorization: 'Bearer forged', 'content-type': 'application/json' },
        body: JSON.stringify(chatBody('Hi')),
      });

      expect(result.status).toBe(403);
      expect(json(result)).toEqual({ message: 'The bearer token included in the request is invalid.', reason: null });
    });

    it('answers 403 once access tokens have expired', async () => {
      const token = await accessToken(sim);
      sim.expireAccessTokens();

      const result = await send(sim, '/generateAssistantResponse', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody('Hi')),
      });

      expect(result.status).toBe(403);
    });

    it('refuses a malformed body with 400 and names the rule in x-sim-violation', async () => {
      const body = chatBody('Hi') as { inferenceConfig?: unknown };
      body.inferenceConfig = { maxTokens: 10 };

      const result = await chat(sim, body);

      expect(result.status).toBe(400);
      expect(json(result)).toEqual({ message: 'Improperly formed request.', reason: null });
      expect(result.headers['x-sim-violation']).toBe('unknown top-level field "inferenceConfig"');
      expect(sim.stats.rejected).toBe(1);
    });

    it('records the violation with the request', async () => {
      await chat(sim, chatBody('   '));

      const recorded = sim.requests.find((r) => r.path === '/generateAssistantResponse');
      expect(recorded?.violation).toBe(
        'conversationState.currentMessage.userInputMessage.content is empty and the turn carries no toolResults',
      );
    });

    it('refuses a body that is not sent as application/json', async () => {
      const token = await accessToken(sim);

      const result = await send(sim, '/generateAssistantResponse', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
        body: JSON.stringify(chatBody('Hi')),
      });

      expect(result.status).toBe(400);
      expect(result.headers['x-sim-violation']).toBe('content-type must be application/json, got "text/plain"');
    });

    it('answers queued scenarios in order before falling back to the default reply', async () => {
      sim.enqueue(throttled(), textReply('scripted'));

      const first = await chat(sim, chatBody('one'));
      const second = await chat(sim, chatBody('two'));
      const third = await chat(sim, chatBody('three'));

      expect(first.status).toBe(429);
      expect(json(first)).toEqual({
        message: 'Too many requests, please wait before trying again.',
        reason: 'SERVICE_REQUEST_RATE_EXCEEDED',
      });
      expect(textOf(decodeFrames(second.body))).toBe('scripted');
      expect(textOf(decodeFrames(third.body))).toBe('Hello from the Kiro simulator! You said: "three"');
    });

    it('counts a client that disconnects mid-stream as an abort', async () => {
      sim.enqueue({ ...textReply('x'.repeat(400), { chunkChars: 4 }), frameDelayMs: 5 });

      const result = await chat(sim, chatBody('Hi'), { destroyAfterReads: 1 });
      await sim.waitFor((s) => s.stats.aborts === 1 && s.stats.activeStreams === 0);

      expect(result.complete).toBe(false);
      expect(sim.stats.completedStreams).toBe(0);
    });

    it('writes one byte per read with split everyBytes 1', async () => {
      sim.enqueue({ ...textReply('split me', { chunkChars: 4 }), split: { everyBytes: 1 } });

      const result = await chat(sim, chatBody('Hi'));

      // Two 126-byte text frames, a 134-byte contextUsageEvent and a 152-byte meteringEvent.
      expect(result.body.length).toBe(538);
      expect(result.reads).toBe(538);
      expect(textOf(decodeFrames(result.body))).toBe('split me');
    });

    it('writes the whole stream at once with split whole', async () => {
      sim.enqueue({ ...textReply('split me', { chunkChars: 4 }), split: 'whole' });

      const result = await chat(sim, chatBody('Hi'));

      expect(result.reads).toBe(1);
      expect(decodeFrames(result.body)).toHaveLength(4);
    });

    it('cuts the connection after cutAfterFrames frames', async () => {
      sim.enqueue({ ...textReply('abcdefghijkl', { chunkChars: 4 }), cutAfterFrames: 2 });

      const result = await chat(sim, chatBody('Hi'));
      await sim.waitFor((s) => s.stats.activeStreams === 0);

      expect(result.complete).toBe(false);
      expect(decodeFrames(result.body).map((f) => f.payload)).toEqual([{ content: 'abcd' }, { content: 'efgh' }]);
      expect(sim.stats.aborts).toBe(0);
      expect(sim.stats.completedStreams).toBe(0);
    });

    it('counts a normally finished stream as completed', async () => {
      await chat(sim, chatBody('Hi'));

      await sim.waitFor((s) => s.stats.completedStreams === 1 && s.stats.activeStreams === 0);
      expect(sim.stats.aborts).toBe(0);
    });

    it('calls the first declared tool for a [sim:tool] directive', async () => {
      const fsWrite = {
        toolSpecification: {
          name: 'fsWrite',
          description: 'Write a file',
          inputSchema: {
            json: {
              type: 'object',
              properties: { path: { type: 'string' }, text: { type: 'string' } },
              required: ['path', 'text'],
            },
          },
        },
      };

      const result = await chat(sim, chatBody('[sim:tool] write something', [fsWrite]));

      const toolFrames = decodeFrames(result.body)
        .filter((f) => f.headers[':event-type'] === 'toolUseEvent')
        .map((f) => f.payload as { name: string; toolUseId: string; input?: string; stop?: boolean });
      expect(toolFrames[0]).toEqual({ name: 'fsWrite', toolUseId: expect.stringMatching(/^tooluse_[\w-]{22}$/) });
      expect(toolFrames.map((f) => f.input ?? '').join('')).toBe('{"path":"sim-path","text":"sim-text"}');
      expect(toolFrames[toolFrames.length - 1]).toEqual({ name: 'fsWrite', toolUseId: toolFrames[0].toolUseId, stop: true });
      expect(new Set(toolFrames.map((f) => f.toolUseId)).size).toBe(1);
    });
  });

  describe('a forced tool choice (the gateway writes it into the system text: Kiro has none)', () => {
    const tool = (name: string) => ({ toolSpecification: { name, description: name, inputSchema: { json: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } } });
    const calledTools = (body: Buffer) =>
      decodeFrames(body)
        .filter((f) => f.headers[':event-type'] === 'toolUseEvent' && (f.payload as { stop?: boolean }).stop === undefined && (f.payload as { input?: string }).input === undefined)
        .map((f) => (f.payload as { name: string }).name);

    it('calls the named tool, as a model obeying tool_choice does', async () => {
      const result = await chat(sim, chatBody('You must call the tool "person" in your reply.\n\nExtract the person.', [tool('other'), tool('person')]));

      expect(calledTools(result.body)).toEqual(['person']);
    });

    it('calls a declared tool for "at least one", and answers in text without the instruction', async () => {
      const first = await chat(sim, chatBody('You must call at least one of the available tools in your reply.\n\nGo.', [tool('lookup')]));
      expect(calledTools(first.body)).toEqual(['lookup']);

      const plain = await chat(sim, chatBody('Go.', [tool('lookup')]));
      expect(calledTools(plain.body)).toEqual([]);
    });
  });

  it('answers 404 JSON for an unknown path', async () => {
    const result = await send(sim, '/nope');

    expect(result.status).toBe(404);
    expect(json(result)).toEqual({ message: 'No route for GET /nope', reason: null });
  });
});
