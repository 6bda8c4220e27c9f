import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, describeProxyKeySource, parseGatewayEnv } from './env.schema';

describe(parseGatewayEnv.name, () => {
  const minimal = { PROXY_API_KEY: 'secret-key' };

  it('applies the Python service defaults', () => {
    const config = parseGatewayEnv(minimal);

    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 8000,
      proxyApiKey: 'secret-key',
      proxyApiKeySource: 'environment',
      demo: false,
      bodyLimit: '20mb',
      shutdownGraceMs: 30_000,
      corsOrigins: '*',
    });
    expect(config.kiro.apiHost).toBe('https://q.us-east-1.amazonaws.com');
    expect(config.kiro.qHost).toBe('https://q.us-east-1.amazonaws.com');
    expect(config.kiro.refreshUrl).toBe('https://prod.us-east-1.auth.desktop.kiro.dev/refreshToken');
    expect(config.kiro.oidcUrl).toBe('https://oidc.us-east-1.amazonaws.com/token');
    expect(config.retry).toEqual({ maxRetries: 3, baseDelayMs: 1000 });
    expect(config.timeouts).toEqual({
      firstTokenMs: 120_000,
      firstTokenMaxRetries: 3,
      streamReadMs: 300_000,
      nonStreamMs: 900_000,
      slowModelMultiplier: 3,
    });
    expect(config.models).toEqual({ cacheTtlMs: 3_600_000, aliases: new Map(), fallback: undefined });
    expect(config.tools.descriptionMaxLength).toBe(10_000);
    expect(config.logging).toEqual({ level: 'INFO', debugMode: 'off', debugDir: 'debug_logs', format: 'pretty' });
    expect(config.rateLimitPerMinute).toBe(0);
    expect(config.reasoning).toEqual({ enabled: true, maxTokens: 4000, handling: 'as_reasoning_content' });
  });

  it('substitutes the region into every URL template', () => {
    const config = parseGatewayEnv({ ...minimal, KIRO_REGION: 'eu-central-1', KIRO_API_HOST: 'https://runtime.{region}.kiro.dev/' });

    expect(config.kiro.apiHost).toBe('https://runtime.eu-central-1.kiro.dev');
    expect(config.kiro.oidcUrl).toBe('https://oidc.eu-central-1.amazonaws.com/token');
  });

  it('accepts fractional seconds', () => {
    const config = parseGatewayEnv({ ...minimal, FIRST_TOKEN_TIMEOUT: '0.05', BASE_RETRY_DELAY: '0' });

    expect(config.timeouts.firstTokenMs).toBe(50);
    expect(config.retry.baseDelayMs).toBe(0);
  });

  it('treats empty and quoted values the way a .env file means them', () => {
    const config = parseGatewayEnv({ PROXY_API_KEY: '"quoted key"', REFRESH_TOKEN: '', PORT: ' 9000 ' });

    expect(config.server.proxyApiKey).toBe('quoted key');
    expect(config.credentials.refreshToken).toBeUndefined();
    expect(config.server.port).toBe(9000);
  });

  it('reads MODEL_ALIASES as name=model pairs, names compared in lower case, and MODEL_FALLBACK as a model name', () => {
    const config = parseGatewayEnv({ ...minimal, MODEL_ALIASES: ' GPT-5.5=claude-sonnet-4.5 , claude-opus-5-5=claude-opus-4.8,', MODEL_FALLBACK: 'claude-sonnet-4.5' });

    expect(config.models.aliases).toEqual(new Map([['gpt-5.5', 'claude-sonnet-4.5'], ['claude-opus-5-5', 'claude-opus-4.8']]));
    expect(config.models.fallback).toBe('claude-sonnet-4.5');
  });

  it.each([
    [{}, 'PROXY_API_KEY'],
    [{ ...minimal, MODEL_ALIASES: 'gpt-5.5' }, 'MODEL_ALIASES'],
    [{ ...minimal, MODEL_ALIASES: 'a=b=c' }, 'MODEL_ALIASES'],
    [{ ...minimal, MODEL_ALIASES: 'gpt 5=claude-sonnet-4.5' }, 'MODEL_ALIASES'],
    [{ ...minimal, MODEL_ALIASES: 'x=claude-sonnet-4.5,X=claude-haiku-4.5' }, 'MODEL_ALIASES'],
    [{ ...minimal, MODEL_FALLBACK: 'claude sonnet' }, 'MODEL_FALLBACK'],
    [{ ...minimal, PORT: 'eighty' }, 'PORT'],
    [{ ...minimal, PORT: '70000' }, 'PORT'],
    [{ ...minimal, FIRST_TOKEN_TIMEOUT: '-1' }, 'FIRST_TOKEN_TIMEOUT'],
    [{ ...minimal, STREAM_READ_TIMEOUT: '0' }, 'STREAM_READ_TIMEOUT'],
    [{ ...minimal, MAX_RETRIES: '1.5' }, 'MAX_RETRIES'],
    [{ ...minimal, KIRO_API_HOST: 'ftp://example' }, 'KIRO_API_HOST'],
    [{ ...minimal, KIRO_REGION: 'mars' }, 'KIRO_REGION'],
    [{ ...minimal, BODY_LIMIT: 'lots' }, 'BODY_LIMIT'],
    [{ ...minimal, FAKE_REASONING: 'maybe' }, 'FAKE_REASONING'],
    [{ ...minimal, FAKE_REASONING_HANDLING: 'shout' }, 'FAKE_REASONING_HANDLING'],
    [{ ...minimal, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('rejects %j naming %s', (env, variable) => {
    const attempt = () => parseGatewayEnv(env);

    expect(attempt).toThrow(ConfigValidationError);
    expect(attempt).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('reads CORS_ORIGINS as *, off, or a list', () => {
    expect(parseGatewayEnv({ ...minimal, CORS_ORIGINS: 'off' }).server.corsOrigins).toEqual([]);
    expect(parseGatewayEnv({ ...minimal, CORS_ORIGINS: 'https://a.example, http://localhost:3000/' }).server.corsOrigins).toEqual(['https://a.example', 'http://localhost:3000']);
    expect(() => parseGatewayEnv({ ...minimal, CORS_ORIGINS: 'not an origin' })).toThrow(/^Invalid configuration: CORS_ORIGINS/);
  });

  it('logs JSON in production and pretty elsewhere unless LOG_FORMAT says', () => {
    expect(parseGatewayEnv({ ...minimal, NODE_ENV: 'production' }).logging.format).toBe('json');
    expect(parseGatewayEnv({ ...minimal, LOG_FORMAT: 'json' }).logging.format).toBe('json');
  });

  it('refuses the placeholder key from .env.example', () => {
    expect(() => parseGatewayEnv({ PROXY_API_KEY: 'change-me-to-a-long-random-string' })).toThrow(/^Invalid configuration: PROXY_API_KEY is still the placeholder/);
  });

  it('expands ~ in KIRO_CREDS_FILE to the home directory', () => {
    expect(parseGatewayEnv({ ...minimal, HOME: '/home/ann', KIRO_CREDS_FILE: '~/.aws/sso/cache/kiro-auth-token.json' }).credentials.credsFile).toBe(
      '/home/ann/.aws/sso/cache/kiro-auth-token.json',
    );
  });

  it('bounds requests by default, and reads each bound from its variable', () => {
    expect(parseGatewayEnv(minimal).limits).toEqual({
      bodyBytes: 20 * 1024 * 1024,
      inflateRatio: 50,
      jsonElements: 100_000,
      messages: 5_000,
      contentBlocks: 20_000,
      tools: 1_000,
      stopSequences: 16,
      imageBytes: 5 * 1024 * 1024,
      requestImageBytes: 20 * 1024 * 1024,
    });
    expect(parseGatewayEnv({ ...minimal, BODY_LIMIT: '500kb', MAX_TOOLS: '64', MAX_IMAGE_BYTES: '1.5mb' }).limits).toMatchObject({ bodyBytes: 512_000, tools: 64, imageBytes: 1_572_864 });
  });

  it('trusts no X-Forwarded-For unless TRUST_PROXY says whose', () => {
    expect(parseGatewayEnv(minimal).security).toEqual({ trustProxy: false, authFailureLimit: 10, newTenantsPerIpPerHour: 20 });
    expect(parseGatewayEnv({ ...minimal, TRUST_PROXY: '1' }).security.trustProxy).toBe(1);
    expect(parseGatewayEnv({ ...minimal, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).security.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => parseGatewayEnv({ ...minimal, TRUST_PROXY: 'true' })).toThrow(/^Invalid configuration: TRUST_PROXY/);
  });

  it('recovers cut-off tool calls within STREAM_MAX_RESUMES unless TOOL_CALL_RECOVERY turns it off', () => {
    expect(parseGatewayEnv(minimal).streams).toEqual({ keepAliveMs: 15_000, maxResumes: 2, toolCallRecovery: true });
    expect(parseGatewayEnv({ ...minimal, TOOL_CALL_RECOVERY: 'false' }).streams.toolCallRecovery).toBe(false);
    expect(() => parseGatewayEnv({ ...minimal, TOOL_CALL_RECOVERY: 'sometimes' })).toThrow(/^Invalid configuration: TOOL_CALL_RECOVERY must be true or false/);
  });

  it('serves metrics on the API port unless METRICS_PORT is set', () => {
    expect(parseGatewayEnv(minimal).metrics).toEqual({ port: undefined });
    expect(parseGatewayEnv({ ...minimal, METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464 });
  });

  it('reads the deployment secret from GATEWAY_SECRET, or its first name METRICS_LABEL_SECRET', () => {
    const secret = 'a-deployment-secret-of-at-least-32-characters';

    expect(parseGatewayEnv(minimal).security.deploymentSecret).toBeUndefined();
    expect(parseGatewayEnv({ ...minimal, GATEWAY_SECRET: secret }).security.deploymentSecret).toBe(secret);
    expect(parseGatewayEnv({ ...minimal, METRICS_LABEL_SECRET: secret }).security.deploymentSecret).toBe(secret);
    expect(parseGatewayEnv({ ...minimal, GATEWAY_SECRET: secret, METRICS_LABEL_SECRET: `other-${secret}` }).security.deploymentSecret).toBe(secret);
  });

  it('refuses a deployment secret that could be guessed: short, or the proxy key itself', () => {
    const key = 'a-proxy-key-that-is-long-enough-to-be-a-secret';

    expect(() => parseGatewayEnv({ ...minimal, GATEWAY_SECRET: 'short' })).toThrow('GATEWAY_SECRET must be at least 32 characters');
    expect(() => parseGatewayEnv({ ...minimal, METRICS_LABEL_SECRET: 's' })).toThrow('METRICS_LABEL_SECRET must be at least 32 characters');
    expect(() => parseGatewayEnv({ PROXY_API_KEY: key, GATEWAY_SECRET: key })).toThrow('GATEWAY_SECRET must not be PROXY_API_KEY');
  });

  it.each([
    [{ ...minimal, MAX_IMAGE_BYTES: 'big' }, 'MAX_IMAGE_BYTES'],
    [{ ...minimal, MAX_MESSAGES: '0' }, 'MAX_MESSAGES'],
    [{ ...minimal, BODY_MAX_INFLATE_RATIO: '0.5' }, 'BODY_MAX_INFLATE_RATIO'],
    [{ ...minimal, METRICS_PORT: '99999' }, 'METRICS_PORT'],
    [{ ...minimal, REDIS_COMMAND_TIMEOUT: '0' }, 'REDIS_COMMAND_TIMEOUT'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => parseGatewayEnv(env)).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it('reads PROXY_API_KEYS as name:key entries and CLIENT_KEYS_FILE, data/client-keys.json by default', () => {
    const config = parseGatewayEnv({ ...minimal, PROXY_API_KEYS: 'ci:ci-key-0123456789abcdef,bob:bob-key-0123456789abcd' });

    expect(config.clientKeys).toEqual({
      static: [
        { name: 'ci', secret: 'ci-key-0123456789abcdef' },
        { name: 'bob', secret: 'bob-key-0123456789abcd' },
      ],
      file: 'data/client-keys.json',
    });
    expect(parseGatewayEnv({ ...minimal, CLIENT_KEYS_FILE: 'off' }).clientKeys.file).toBeUndefined();
  });

  it('refuses each bad PROXY_API_KEYS entry on its own line, and a key that is also PROXY_API_KEY or ADMIN_API_KEY', () => {
    const admin = 'an-admin-key-long-enough';
    const attempt = () => parseGatewayEnv({ PROXY_API_KEY: 'the-proxy-key-0123456789', ADMIN_API_KEY: admin, PROXY_API_KEYS: `a:the-proxy-key-0123456789,b:${admin},c` });

    expect(attempt).toThrow(
      [
        "Invalid configuration: PROXY_API_KEYS entry 1 ('a'): the key is the same as another key (PROXY_API_KEY, ADMIN_API_KEY or an earlier entry)",
        "Invalid configuration: PROXY_API_KEYS entry 2 ('b'): the key is the same as another key (PROXY_API_KEY, ADMIN_API_KEY or an earlier entry)",
        'Invalid configuration: PROXY_API_KEYS entry 3 is not name:key',
      ].join('\n'),
    );
    expect(attempt).toThrow(/^(?!.*the-proxy-key-0123456789)(?!.*an-admin-key)/s);
  });

  it('never echoes the proxy key in an error', () => {
    expect(() => parseGatewayEnv({ PROXY_API_KEY: 'top-secret', PORT: 'x' })).toThrow(/^(?!.*top-secret)/s);
  });

  it('reports every bad value at once, one line each', () => {
    const attempt = () => parseGatewayEnv({ ...minimal, PORT: 'abc', FIRST_TOKEN_TIMEOUT: '-1', LOG_LEVEL: 'loud' });

    expect(attempt).toThrow(
      new ConfigValidationError([
        { variable: 'PORT', reason: "must be a number (got 'abc')" },
        { variable: 'FIRST_TOKEN_TIMEOUT', reason: "must be a positive number of seconds (got '-1')" },
        { variable: 'LOG_LEVEL', reason: "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (got 'loud')" },
      ]),
    );
    expect(() => attempt()).toThrow(
      [
        "Invalid configuration: PORT must be a number (got 'abc')",
        "Invalid configuration: FIRST_TOKEN_TIMEOUT must be a positive number of seconds (got '-1')",
        "Invalid configuration: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL (got 'loud')",
      ].join('\n'),
    );
  });

  it('lists the problems with their variables', () => {
    let error: unknown;
    try {
      parseGatewayEnv({ KIRO_REGION: 'mars', CORS_ORIGINS: 'nope', REDIS_URL: 'http://x' });
    } catch (err) {
      error = err;
    }

    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems.map((p) => p.variable)).toEqual(['KIRO_REGION', 'PROXY_API_KEY', 'CORS_ORIGINS', 'REDIS_URL']);
  });

  it("refuses the demo's key outside the demo, saying how to get the .env key back", () => {
    expect(() => parseGatewayEnv({ PROXY_API_KEY: 'demo-key' })).toThrow(
      "Invalid configuration: PROXY_API_KEY is 'demo-key', the demo's well-known key, which only npm run demo accepts: set your own long random key " +
        "(after the README's 'export PROXY_API_KEY=demo-key', run 'unset PROXY_API_KEY' so the one in .env is used)",
    );
    expect(parseGatewayEnv({ PROXY_API_KEY: 'demo-key' }, { demo: true }).server).toMatchObject({ proxyApiKey: 'demo-key', demo: true });
  });

  it('takes demo mode from the demo\'s code only, never from a variable (a .env line cannot re-enable the demo key)', () => {
    expect(() => parseGatewayEnv({ PROXY_API_KEY: 'demo-key', KIRO_GATEWAY_DEMO: 'true' })).toThrow("PROXY_API_KEY is 'demo-key'");
    expect(parseGatewayEnv({ PROXY_API_KEY: 'secret-key', KIRO_GATEWAY_DEMO: 'true' }).server.demo).toBe(false);
  });

  it('gives the demo the demo key when the shell sets none, and says where the key came from', () => {
    expect(parseGatewayEnv({}, { demo: true }).server).toMatchObject({ proxyApiKey: 'demo-key', proxyApiKeySource: 'demo' });
    expect(parseGatewayEnv({ PROXY_API_KEY: 'my-own' }, { demo: true }).server).toMatchObject({ proxyApiKey: 'my-own', proxyApiKeySource: 'environment' });
    expect(describeProxyKeySource('demo')).toBe('the demo key, demo-key');
  });

  it.each([
    [{ PROXY_API_KEY: 'from-file' }, 'from-file', '.env'],
    [{ PROXY_API_KEY: '"from-file"' }, 'from-file', '.env'],
    [{ PROXY_API_KEY: 'from-file' }, 'from-shell', 'environment, overriding .env'],
    [{ PORT: '9000' }, 'from-shell', 'environment'],
    [undefined, 'from-shell', 'environment'],
  ])('with .env %j and PROXY_API_KEY=%s, says the key came from %s', (envFile, key, source) => {
    expect(parseGatewayEnv({ PROXY_API_KEY: key }, { envFile }).server.proxyApiKeySource).toBe(source);
  });

  it('words the key source for the start-up log', () => {
    expect(describeProxyKeySource('.env')).toBe('PROXY_API_KEY from .env');
    expect(describeProxyKeySource('environment, overriding .env')).toBe('PROXY_API_KEY from the environment, which overrides the different one in .env');
  });

  describe('accounts, admin and proxies', () => {
    const problemsOf = (env: Record<string, string>): string[] => {
      try {
        parseGatewayEnv({ PROXY_API_KEY: 'k', ...env });
        return [];
      } catch (err) {
        return (err as ConfigValidationError).problems.map((p) => `${p.variable} ${p.reason}`);
      }
    };

    it('reads KIRO_ACCOUNTS_FILE and the pool settings', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'accounts-env-')), 'accounts.json');
      writeFileSync(file, JSON.stringify([{ name: 'a', apiKey: 'ksk_1234' }]));

      const config = parseGatewayEnv({ PROXY_API_KEY: 'k', KIRO_ACCOUNTS_FILE: file, ACCOUNT_STRATEGY: 'round-robin', ACCOUNT_MAX_CONCURRENCY: '8', SESSION_AFFINITY_TTL: '0' });

      expect(config.accounts).toMatchObject({ file, strategy: 'round_robin', maxConcurrency: 8, affinityTtlMs: 0, queueSize: 100, queueTimeoutMs: 30_000 });
      expect(config.accounts.list.map((a) => a.name)).toEqual(['a']);
      expect(parseGatewayEnv({ PROXY_API_KEY: 'k' }).accounts).toMatchObject({ file: undefined, list: [], strategy: 'least_used', maxConcurrency: undefined });
    });

    it('reports a missing accounts file and each bad account, under KIRO_ACCOUNTS_FILE', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'accounts-env-')), 'accounts.json');
      writeFileSync(file, JSON.stringify([{ name: 'a' }]));

      expect(problemsOf({ KIRO_ACCOUNTS_FILE: '/nonexistent/accounts.json' })).toEqual(['KIRO_ACCOUNTS_FILE names /nonexistent/accounts.json, which does not exist']);
      expect(problemsOf({ KIRO_ACCOUNTS_FILE: file })).toEqual([`KIRO_ACCOUNTS_FILE (${file}) account "a" needs exactly one of refreshToken, credsFile, kiroCliDb or apiKey (has 0)`]);
    });

    it('refuses an admin key that is short or the proxy key, and a proxy that is not an http(s) URL', () => {
      expect(problemsOf({ ADMIN_API_KEY: 'short' })).toEqual(['ADMIN_API_KEY must be at least 16 characters (a long random string)']);
      expect(problemsOf({ PROXY_API_KEY: 'same-key-as-the-admin-one', ADMIN_API_KEY: 'same-key-as-the-admin-one' })).toEqual([
        'ADMIN_API_KEY must differ from PROXY_API_KEY: whoever may use the gateway must not manage its accounts',
      ]);
      expect(problemsOf({ HTTPS_PROXY: 'socks5://x:1080', ACCOUNT_STRATEGY: 'random' })).toEqual([
        'ACCOUNT_STRATEGY must be one of priority, round_robin, least_used (got \'random\')',
        'HTTPS_PROXY must be an http:// or https:// proxy URL such as http://proxy.internal:3128',
      ]);
      expect(parseGatewayEnv({ PROXY_API_KEY: 'k', https_proxy: 'http://p:3128', NO_PROXY: 'localhost' }).outbound).toEqual({ httpsProxy: 'http://p:3128', httpProxy: undefined, noProxy: 'localhost' });
    });

    it('reads the request log settings of the admin console, and refuses a retention or size out of range', () => {
      expect(parseGatewayEnv({ PROXY_API_KEY: 'k' }).admin).toMatchObject({
        sessionTtlMs: 43_200_000,
        requestLog: { file: 'data/request-log.sqlite3', retentionMs: 168 * 3_600_000, maxRows: 100_000 },
      });
      expect(parseGatewayEnv({ PROXY_API_KEY: 'k', REQUEST_LOG_FILE: 'off', REQUEST_LOG_RETENTION_HOURS: '0.5', REQUEST_LOG_MAX_ROWS: '500', ADMIN_SESSION_TTL: '60' }).admin).toMatchObject({
        sessionTtlMs: 60_000,
        requestLog: { file: undefined, retentionMs: 1_800_000, maxRows: 500 },
      });
      expect(problemsOf({ REQUEST_LOG_RETENTION_HOURS: '0', REQUEST_LOG_MAX_ROWS: '5' })).toEqual([
        "REQUEST_LOG_RETENTION_HOURS must be a number of hours above 0 and at most a year (got '0')",
        "REQUEST_LOG_MAX_ROWS must be a whole number from 100 to 10000000 (got '5')",
      ]);
    });
      it('reads the alert settings, with defaults, and refuses a webhook that is not http(s) without repeating it', () => {
      expect(parseGatewayEnv({ PROXY_API_KEY: 'k' }).alerts).toEqual({ webhookUrl: undefined, quotaThresholdPercent: 90, throttleCount: 5, throttleWindowMs: 600_000, intervalMs: 900_000, timeoutMs: 5_000 });
      expect(
        parseGatewayEnv({ PROXY_API_KEY: 'k', ALERT_WEBHOOK_URL: 'https://hooks.slack.com/services/T1/B2/secret', ALERT_QUOTA_THRESHOLD: '75.5', ALERT_THROTTLE_COUNT: '3', ALERT_THROTTLE_WINDOW: '60', ALERT_INTERVAL: '30', ALERT_TIMEOUT: '2' }).alerts,
      ).toEqual({ webhookUrl: 'https://hooks.slack.com/services/T1/B2/secret', quotaThresholdPercent: 75.5, throttleCount: 3, throttleWindowMs: 60_000, intervalMs: 30_000, timeoutMs: 2_000 });
      const problems = problemsOf({ ALERT_WEBHOOK_URL: 'ftp://hooks.example/secret-token', ALERT_QUOTA_THRESHOLD: '120' });
      expect(problems).toEqual([
        "ALERT_QUOTA_THRESHOLD must be a percentage above 0 and at most 100 (got '120')",
        'ALERT_WEBHOOK_URL must be an http:// or https:// URL (its value is not repeated here: it is a secret)',
      ]);
      expect(problemsOf({ ALERT_WEBHOOK_URL: 'not a url secret-token' })).toEqual(['ALERT_WEBHOOK_URL must be an http:// or https:// URL (its value is not repeated here: it is a secret)']);
    });

    it('names the replica by GATEWAY_INSTANCE, else by host and process', () => {
      expect(parseGatewayEnv({ PROXY_API_KEY: 'k', GATEWAY_INSTANCE: 'gw-1' }).instance).toBe('gw-1');
      expect(parseGatewayEnv({ PROXY_API_KEY: 'k' }).instance).toMatch(new RegExp(`:${process.pid}$`));
      expect(problemsOf({ GATEWAY_INSTANCE: 'two words' })).toEqual(["GATEWAY_INSTANCE must be 1 to 64 letters, digits, '.', '_', ':' or '-' (got 'two words')"]);
    });
});
});
