import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { type AccountSpec, parseAccountsFile, isProxyUrl } from '../accounts/account-spec';
import { SELECTION_STRATEGIES, type SelectionStrategy } from '../accounts/account-selection';
import { parseStaticKeys, type StaticKeyEntry } from '../client-keys/static-keys';

/**
 * The gateway's whole configuration, parsed and validated from environment variables in one
 * place. Variable names and defaults are those of the Python kiro-gateway, so its users' `.env`
 * files keep working unchanged.
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
export type DebugMode = 'off' | 'errors' | 'all';
export type FakeReasoningHandling = 'as_reasoning_content' | 'remove' | 'pass' | 'strip_tags';

export interface GatewayConfig {
  server: {
    host: string;
    port: number;
    proxyApiKey: string;
    /** Which source PROXY_API_KEY came from (logged at start-up; the key itself never is). */
    proxyApiKeySource: ProxyKeySource;
    /**
     * Started by `npm run demo`, which says so in code (ParseOptions.demo): no variable, in the
     * environment or `.env`, can turn it on. The only mode that accepts the demo key.
     */
    demo: boolean;
    /** BODY_LIMIT as written (`20mb`); `limits.bodyBytes` is its value. */
    bodyLimit: string;
    /** How long running streams may finish after SIGTERM before they are cut. */
    shutdownGraceMs: number;
    /** Browser origins allowed by CORS: '*', a list, or none (CORS off). */
    corsOrigins: '*' | string[];
  };
  kiro: {
    region: string;
    /** Base URL of `generateAssistantResponse`, without a trailing slash. */
    apiHost: string;
    /** Base URL of `ListAvailableModels`, without a trailing slash. */
    qHost: string;
    /** KIRO_API_HOST / KIRO_Q_HOST before `{region}` substitution: an account may use another API region. */
    apiHostTemplate: string;
    qHostTemplate: string;
    refreshUrl: string;
    oidcUrl: string;
    /** The OIDC URL before `{region}` substitution: AWS SSO refreshes go to the credential's SSO region. */
    oidcUrlTemplate: string;
    profileArn: string | undefined;
    /** Kiro answers a bare 400 to bodies over roughly 615 KB (kiro-protocol.md §2.5 #9). */
    maxPayloadBytes: number;
    /**
     * `Connection: close` on streaming calls (the Python service's CLOSE_WAIT fix, §5 #3); off by
     * default: connections are kept alive and reused, a stale one retried once (undici-kiro-transport.ts).
     */
    closeStreamConnections: boolean;
    /** Tests only: PEM certificates trusted for Kiro's hosts on top of the system's (KIRO_TEST_CA_FILE). */
    testCa: string | undefined;
  };
  credentials: {
    refreshToken: string | undefined;
    credsFile: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    /** Where a logged-in Kiro IDE keeps its token cache (auto-discovery). */
    homeDir: string | undefined;
    /** Windows locations of kiro-cli's database. */
    appData: string | undefined;
    localAppData: string | undefined;
  };
  retry: {
    maxRetries: number;
    baseDelayMs: number;
  };
  timeouts: {
    firstTokenMs: number;
    firstTokenMaxRetries: number;
    streamReadMs: number;
    nonStreamMs: number;
    slowModelMultiplier: number;
  };
  streams: {
    /** A stream silent this long gets a keep-alive (ping, keepalive event or SSE comment); 0 turns it off. */
    keepAliveMs: number;
    /**
     * STREAM_MAX_RESUMES: how often one response is resumed after Kiro failed mid-answer (re-asked
     * with the text already sent; generation/resume/); 0 turns resuming off.
     */
    maxResumes: number;
    /**
     * TOOL_CALL_RECOVERY: when Kiro cuts a tool call off mid-arguments, ask it once more for the
     * call in smaller pieces (generation/resume/tool-call-recovery.ts); within STREAM_MAX_RESUMES.
     */
    toolCallRecovery: boolean;
  };
  webSearch: {
    /** WEB_SEARCH: run clients' web search tools through Kiro's MCP endpoint (kiro-protocol.md §9.7); off leaves them out. */
    enabled: boolean;
    /** WEB_SEARCH_MAX_ROUNDS: how often one response goes back to Kiro with search results before the turn ends (each search costs credits). */
    maxRounds: number;
    /** WEB_SEARCH_TIMEOUT: how long one search may take. */
    timeoutMs: number;
  };
  models: {
    cacheTtlMs: number;
    /** MODEL_ALIASES: a client's model name (lower case) → the model to serve it with. */
    aliases: ReadonlyMap<string, string>;
    /** MODEL_FALLBACK: serves names of no known model family instead of a 404. */
    fallback: string | undefined;
  };
  tools: {
    descriptionMaxLength: number;
  };
  logging: {
    level: LogLevel;
    debugMode: DebugMode;
    debugDir: string;
    /** JSON lines in production, human-readable otherwise (LOG_FORMAT overrides). */
    format: 'json' | 'pretty';
  };
  rateLimitPerMinute: number;
  /** Client keys beyond PROXY_API_KEY (issue 15 item 4). */
  clientKeys: ClientKeysConfig;
  accounts: AccountsConfig;
  admin: {
    /** ADMIN_API_KEY: guards /admin/api and the console at /admin; unset turns both off. */
    apiKey: string | undefined;
    /** How long a console login lasts (ADMIN_SESSION_TTL). */
    sessionTtlMs: number;
    requestLog: RequestLogConfig;
  };
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY, honoured for every upstream call (refresh included). */
  outbound: {
    httpsProxy: string | undefined;
    httpProxy: string | undefined;
    noProxy: string | undefined;
  };
  redis: {
    /** Shared state for replicas (rate limits, tokens, refresh lock); unset keeps it in memory. */
    url: string | undefined;
    /** Longest wait for one Redis command; past it the caller falls back to local state. */
    commandTimeoutMs: number;
  };
  reasoning: {
    enabled: boolean;
    maxTokens: number;
    handling: FakeReasoningHandling;
  };
  /** What one request may hold: checked before any heavy work, answered with a 400 naming the bound. */
  limits: RequestLimits;
  security: {
    /** Fastify's `trustProxy` (proxy-addr): false (the socket's address is the client), a hop count, or trusted addresses. */
    trustProxy: false | number | string[];
    /** Failed key attempts from one client address before it is made to back off (0: never). */
    authFailureLimit: number;
    /** Tenants not seen before that one client address may introduce per hour (0: any number). */
    newTenantsPerIpPerHour: number;
    /**
     * GATEWAY_SECRET (or its first name, METRICS_LABEL_SECRET): this deployment's own secret, for
     * tenant labels in metrics and sealed reasoning; unset: one shared through Redis, else random
     * at start (see DeploymentSecret).
     */
    deploymentSecret: string | undefined;
  };
  metrics: {
    /** Serve /metrics without the key on this port only; unset: on the API port, with the key. */
    port: number | undefined;
  };
  /** GATEWAY_INSTANCE: this replica's name in alerts and the request log (default host:pid). */
  instance: string;
  alerts: AlertsConfig;
}

/** Webhook alerts (ALERT_*): what is watched and how often one alert may repeat. */
export interface AlertsConfig {
  /** ALERT_WEBHOOK_URL: a secret (Slack's embed a token): never logged or shown unmasked. Unset: alerts are only listed in the console. */
  webhookUrl: string | undefined;
  /** ALERT_QUOTA_THRESHOLD: an account past this percent of its credit limit raises an alert. */
  quotaThresholdPercent: number;
  /** ALERT_THROTTLE_COUNT throttles of one account within ALERT_THROTTLE_WINDOW raise an alert. */
  throttleCount: number;
  throttleWindowMs: number;
  /** ALERT_INTERVAL: one alert (kind and subject) at most once per interval, across replicas with Redis. */
  intervalMs: number;
  /** ALERT_TIMEOUT: the longest one delivery may take. */
  timeoutMs: number;
}

export interface AccountsConfig {
  /** KIRO_ACCOUNTS_FILE: the pooled accounts; unset, the single-credential settings are a pool of one. */
  file: string | undefined;
  /** The accounts the file lists, checked at start-up. */
  list: AccountSpec[];
  strategy: SelectionStrategy;
  /** ACCOUNT_MAX_CONCURRENCY: requests in flight per account unless it sets its own; undefined: no limit. */
  maxConcurrency: number | undefined;
  /** Requests waiting for a slot when every account is full; past it a local 429. */
  queueSize: number;
  queueTimeoutMs: number;
  /** SESSION_AFFINITY_TTL: how long a conversation stays pinned to its account after its last turn; 0: no affinity. */
  affinityTtlMs: number;
  /** How often each account's getUsageLimits is read; 0: only after a quota error. */
  usageRefreshMs: number;
}

export interface RequestLimits {
  /** BODY_LIMIT in bytes: the largest body once decompressed. */
  bodyBytes: number;
  /** A compressed body may inflate at most this many times its size. */
  inflateRatio: number;
  /** Array values and object members in one JSON body: what parsing allocates, whatever its bytes. */
  jsonElements: number;
  messages: number;
  /** Content blocks, parts, tool calls, tool results and input items, over the whole request. */
  contentBlocks: number;
  tools: number;
  /** Anthropic's `stop_sequences`; OpenAI's `stop` takes 4, as OpenAI's own API does. */
  stopSequences: number;
  /** Decoded bytes of one image, and of all the images of a request. */
  imageBytes: number;
  requestImageBytes: number;
}

export type RawEnv = Record<string, string | undefined>;

/** One configuration value that cannot be used, and why (the reason says what to set instead). */
export interface ConfigProblem {
  variable: string;
  reason: string;
}

/**
 * Every configuration value that cannot be used, found in one pass so that a user fixes them all
 * at once; the message has one line per problem, each naming its variable.
 */
export class ConfigValidationError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map((p) => `Invalid configuration: ${p.variable} ${p.reason}`).join('\n'));
    this.name = 'ConfigValidationError';
    this.problems = problems;
  }

  /** The first variable named (kept for callers that report one). */
  get variable(): string {
    return this.problems[0]?.variable ?? '';
  }
}

/**
 * Reads typed values; a bad one is recorded as a problem and its default used, so parsing goes
 * on and every bad value is reported together.
 */
class EnvReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: RawEnv) {}

  problem(variable: string, reason: string): void {
    this.problems.push({ variable, reason });
  }

  /** A set value, trimmed; empty strings count as unset (`KEY=` lines in `.env`). */
  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? stripQuotes(value) : undefined;
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  required(name: string, hint: string): string {
    const value = this.optional(name);
    if (value === undefined) this.problem(name, `is required: ${hint}`);
    return value ?? '';
  }

  /** Seconds, fractions allowed (`0.05`), returned in milliseconds. */
  durationMs(name: string, fallbackSeconds: number, { allowZero = false } = {}): number {
    const seconds = this.number(name, fallbackSeconds);
    if (seconds < 0 || (!allowZero && seconds === 0)) {
      this.problem(name, `must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds (got '${this.optional(name)}')`);
      return fallbackSeconds * 1000;
    }
    return Math.round(seconds * 1000);
  }

  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.number(name, fallback);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problem(name, `must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`} (got '${this.optional(name)}')`);
      return fallback;
    }
    return value;
  }

  number(name: string, fallback: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      this.problem(name, `must be a number (got '${raw}')`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problem(name, `must be true or false (got '${raw}')`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T, normalise: (v: string) => string = (v) => v): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = normalise(raw);
    if (!(allowed as readonly string[]).includes(value)) {
      this.problem(name, `must be one of ${allowed.join(', ')} (got '${raw}')`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, fallbackTemplate: string, region: string): string {
    const value = this.string(name, fallbackTemplate).replaceAll('{region}', region);
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      // reported below
    }
    if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
      this.problem(name, `must be an http(s) URL (got '${value}')`);
      return fallbackTemplate.replaceAll('{region}', region);
    }
    return value.replace(/\/+$/, '');
  }
}

function stripQuotes(value: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(value);
  return quoted ? quoted[2] : value;
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i;
/** The value .env.example ships with: a gateway must never run on it. */
export const EXAMPLE_PROXY_API_KEY = 'change-me-to-a-long-random-string';
/** The key `npm run demo` uses and the README exports: anyone knows it, so only the demo accepts it. */
export const DEMO_PROXY_API_KEY = 'demo-key';

/** Where PROXY_API_KEY came from, for the start-up log (never the key itself; the demo's is public). */
export type ProxyKeySource = 'environment' | '.env' | 'environment, overriding .env' | 'demo';

export function describeProxyKeySource(source: ProxyKeySource): string {
  switch (source) {
    case 'demo':
      return `the demo key, ${DEMO_PROXY_API_KEY}`;
    case 'environment':
      return 'PROXY_API_KEY from the environment';
    case '.env':
      return 'PROXY_API_KEY from .env';
    case 'environment, overriding .env':
      return 'PROXY_API_KEY from the environment, which overrides the different one in .env';
  }
}

export interface ParseOptions {
  /** The values of the `.env` file the gateway loaded, if any: tells which source won. */
  envFile?: RawEnv;
  /** `npm run demo`: accepts the demo key, and uses it when PROXY_API_KEY is not set. */
  demo?: boolean;
}

/**
 * Parses and validates the environment; throws one {@link ConfigValidationError} listing every
 * bad value, each line naming its variable.
 */
export function parseGatewayEnv(env: RawEnv, options: ParseOptions = {}): GatewayConfig {
  const read = new EnvReader(env);
  let region = read.string('KIRO_REGION', 'us-east-1');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    read.problem('KIRO_REGION', `must be an AWS region such as us-east-1 (got '${region}')`);
    region = 'us-east-1';
  }
  const bodyLimit = read.string('BODY_LIMIT', '20mb');
  if (!SIZE.test(bodyLimit)) {
    read.problem('BODY_LIMIT', `must be a size such as 20mb or 500kb (got '${bodyLimit}')`);
  }
  const host = read.string('HOST', '0.0.0.0');
  const demo = options.demo === true;
  const demoKey = demo && read.optional('PROXY_API_KEY') === undefined;
  const proxyApiKey = demoKey ? DEMO_PROXY_API_KEY : read.required('PROXY_API_KEY', 'the key clients must send (Authorization: Bearer KEY); put PROXY_API_KEY=<a long random string> in .env');
  if (proxyApiKey === EXAMPLE_PROXY_API_KEY) {
    read.problem('PROXY_API_KEY', 'is still the placeholder from .env.example: set it to a long random string of your own');
  } else if (proxyApiKey === DEMO_PROXY_API_KEY && !demo) {
    read.problem(
      'PROXY_API_KEY',
      `is '${DEMO_PROXY_API_KEY}', the demo's well-known key, which only npm run demo accepts: set your own long random key ` +
        `(after the README's 'export PROXY_API_KEY=${DEMO_PROXY_API_KEY}', run 'unset PROXY_API_KEY' so the one in .env is used)`,
    );
  }
  const homeDir = read.optional('KIRO_HOME') ?? read.optional('HOME') ?? read.optional('USERPROFILE');
  const credsFile = read.optional('KIRO_CREDS_FILE');

  const config: GatewayConfig = {
    server: {
      host,
      port: read.integer('PORT', 8000, 0, 65535),
      proxyApiKey,
      proxyApiKeySource: demoKey ? 'demo' : proxyKeySource(proxyApiKey, options.envFile),
      demo,
      bodyLimit,
      shutdownGraceMs: read.durationMs('SHUTDOWN_GRACE_PERIOD', 30, { allowZero: true }),
      corsOrigins: corsOrigins(read, read.string('CORS_ORIGINS', '*')),
    },
    kiro: {
      region,
      apiHost: read.url('KIRO_API_HOST', 'https://q.{region}.amazonaws.com', region),
      qHost: read.url('KIRO_Q_HOST', 'https://q.{region}.amazonaws.com', region),
      apiHostTemplate: read.string('KIRO_API_HOST', 'https://q.{region}.amazonaws.com').replace(/\/+$/, ''),
      qHostTemplate: read.string('KIRO_Q_HOST', 'https://q.{region}.amazonaws.com').replace(/\/+$/, ''),
      refreshUrl: read.url('KIRO_REFRESH_URL', 'https://prod.{region}.auth.desktop.kiro.dev/refreshToken', region),
      oidcUrl: read.url('KIRO_OIDC_URL', 'https://oidc.{region}.amazonaws.com/token', region),
      oidcUrlTemplate: read.string('KIRO_OIDC_URL', 'https://oidc.{region}.amazonaws.com/token').replace(/\/+$/, ''),
      profileArn: read.optional('PROFILE_ARN'),
      maxPayloadBytes: read.integer('KIRO_MAX_PAYLOAD_BYTES', 600_000, 1_000),
      closeStreamConnections: read.boolean('KIRO_STREAM_CONNECTION_CLOSE', false),
      testCa: readPemFile(read, 'KIRO_TEST_CA_FILE'),
    },
    credentials: {
      refreshToken: read.optional('REFRESH_TOKEN'),
      // `~/…` as written in .env files; the shell is not there to expand it.
      credsFile: credsFile && homeDir ? credsFile.replace(/^~(?=$|[\\/])/, homeDir) : credsFile,
      clientId: read.optional('KIRO_CLIENT_ID'),
      clientSecret: read.optional('KIRO_CLIENT_SECRET'),
      homeDir,
      appData: read.optional('KIRO_HOME') ? undefined : read.optional('APPDATA'),
      localAppData: read.optional('KIRO_HOME') ? undefined : read.optional('LOCALAPPDATA'),
    },
    retry: {
      maxRetries: read.integer('MAX_RETRIES', 3, 0, 20),
      baseDelayMs: read.durationMs('BASE_RETRY_DELAY', 1.0, { allowZero: true }),
    },
    timeouts: {
      firstTokenMs: read.durationMs('FIRST_TOKEN_TIMEOUT', 120),
      firstTokenMaxRetries: read.integer('FIRST_TOKEN_MAX_RETRIES', 3, 0, 20),
      streamReadMs: read.durationMs('STREAM_READ_TIMEOUT', 300),
      nonStreamMs: read.durationMs('NON_STREAM_TIMEOUT', 900),
      slowModelMultiplier: positive(read, 'SLOW_MODEL_TIMEOUT_MULTIPLIER', 3),
    },
    streams: {
      keepAliveMs: read.durationMs('STREAM_KEEPALIVE_INTERVAL', 15, { allowZero: true }),
      maxResumes: read.integer('STREAM_MAX_RESUMES', 2, 0, 10),
      toolCallRecovery: read.boolean('TOOL_CALL_RECOVERY', true),
    },
    webSearch: {
      enabled: read.boolean('WEB_SEARCH', true),
      maxRounds: read.integer('WEB_SEARCH_MAX_ROUNDS', 5, 1, 20),
      timeoutMs: read.durationMs('WEB_SEARCH_TIMEOUT', 30),
    },
    models: {
      cacheTtlMs: read.durationMs('MODEL_CACHE_TTL', 3600),
      aliases: modelAliases(read, read.optional('MODEL_ALIASES')),
      fallback: modelName(read, 'MODEL_FALLBACK', read.optional('MODEL_FALLBACK')),
    },
    tools: {
      descriptionMaxLength: read.integer('TOOL_DESCRIPTION_MAX_LENGTH', 10_000, 1),
    },
    logging: {
      level: read.oneOf('LOG_LEVEL', ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const, 'INFO', (v) =>
        v.toUpperCase() === 'WARN' ? 'WARNING' : v.toUpperCase(),
      ),
      debugMode: read.oneOf('DEBUG_MODE', ['off', 'errors', 'all'] as const, 'off', (v) => v.toLowerCase()),
      debugDir: read.string('DEBUG_DIR', 'debug_logs'),
      format: read.oneOf('LOG_FORMAT', ['json', 'pretty'] as const, read.optional('NODE_ENV') === 'production' ? 'json' : 'pretty', (v) => v.toLowerCase()),
    },
    rateLimitPerMinute: read.integer('RATE_LIMIT_PER_MINUTE', 0, 0),
    clientKeys: clientKeysConfig(read, [proxyApiKey, read.optional('ADMIN_API_KEY')].filter((key): key is string => key !== undefined)),
    accounts: accountsConfig(read, homeDir),
    admin: {
      apiKey: adminApiKey(read, proxyApiKey),
      sessionTtlMs: read.durationMs('ADMIN_SESSION_TTL', 12 * 3600),
      requestLog: requestLogConfig(read),
    },
    outbound: {
      httpsProxy: proxyVariable(read, 'HTTPS_PROXY') ?? proxyVariable(read, 'https_proxy'),
      httpProxy: proxyVariable(read, 'HTTP_PROXY') ?? proxyVariable(read, 'http_proxy'),
      noProxy: read.optional('NO_PROXY') ?? read.optional('no_proxy'),
    },
    redis: { url: redisUrl(read, read.optional('REDIS_URL')), commandTimeoutMs: read.durationMs('REDIS_COMMAND_TIMEOUT', 0.2) },
    reasoning: {
      enabled: read.boolean('FAKE_REASONING', true),
      maxTokens: read.integer('FAKE_REASONING_MAX_TOKENS', 4000, 1),
      handling: read.oneOf(
        'FAKE_REASONING_HANDLING',
        ['as_reasoning_content', 'remove', 'pass', 'strip_tags'] as const,
        'as_reasoning_content',
        (v) => v.toLowerCase(),
      ),
    },
    limits: {
      bodyBytes: SIZE.test(bodyLimit) ? sizeInBytes(bodyLimit) : sizeInBytes('20mb'),
      inflateRatio: read.integer('BODY_MAX_INFLATE_RATIO', 50, 1),
      jsonElements: read.integer('MAX_JSON_ELEMENTS', 100_000, 1),
      messages: read.integer('MAX_MESSAGES', 5_000, 1),
      contentBlocks: read.integer('MAX_CONTENT_BLOCKS', 20_000, 1),
      tools: read.integer('MAX_TOOLS', 1_000, 0),
      stopSequences: read.integer('MAX_STOP_SEQUENCES', 16, 0),
      imageBytes: size(read, 'MAX_IMAGE_BYTES', '5mb'),
      requestImageBytes: size(read, 'MAX_REQUEST_IMAGE_BYTES', '20mb'),
    },
    security: {
      trustProxy: trustProxy(read, read.string('TRUST_PROXY', 'off')),
      authFailureLimit: read.integer('AUTH_FAILURE_LIMIT', 10, 0),
      newTenantsPerIpPerHour: read.integer('NEW_TENANTS_PER_IP', 20, 0),
      deploymentSecret: deploymentSecret(read, proxyApiKey),
    },
    metrics: {
      port: read.optional('METRICS_PORT') === undefined ? undefined : read.integer('METRICS_PORT', 0, 0, 65535),
    },
    instance: instanceName(read),
    alerts: alertsConfig(read),
  };
  if (read.problems.length > 0) throw new ConfigValidationError(read.problems);
  return config;
}

/** The shortest GATEWAY_SECRET accepted: 32 characters, as `openssl rand -hex 16` gives. */
export const MIN_DEPLOYMENT_SECRET_LENGTH = 32;

/**
 * GATEWAY_SECRET, else METRICS_LABEL_SECRET (the name it had when it keyed only metrics labels).
 * It keys what must not be guessable offline (sealed reasoning whose summary is public), so a
 * short one, or the proxy key itself, is refused.
 */
function deploymentSecret(read: EnvReader, proxyApiKey: string | undefined): string | undefined {
  const name = read.optional('GATEWAY_SECRET') !== undefined ? 'GATEWAY_SECRET' : 'METRICS_LABEL_SECRET';
  const secret = read.optional(name);
  if (secret === undefined) return undefined;
  if (secret.length < MIN_DEPLOYMENT_SECRET_LENGTH) {
    read.problem(name, `must be at least ${MIN_DEPLOYMENT_SECRET_LENGTH} characters (e.g. the output of openssl rand -hex 32), or unset for a random one`);
  } else if (secret === proxyApiKey) {
    read.problem(name, 'must not be PROXY_API_KEY: clients know the key; use a secret of its own (openssl rand -hex 32)');
  }
  return secret;
}

/** `20mb`, `500kb`, `1048576`: binary units (1kb = 1,024 bytes). */
function sizeInBytes(text: string): number {
  const [, amount, unit = 'b'] = SIZE.exec(text) as RegExpExecArray;
  const power = ['b', 'kb', 'mb', 'gb'].indexOf(unit.toLowerCase());
  return Math.floor(Number(amount) * 1024 ** power);
}

function size(read: EnvReader, name: string, fallback: string): number {
  const text = read.string(name, fallback);
  if (SIZE.test(text) && sizeInBytes(text) >= 1) return sizeInBytes(text);
  read.problem(name, `must be a size such as 5mb or 500kb (got '${text}')`);
  return sizeInBytes(fallback);
}

/**
 * Whose X-Forwarded-For to believe. Never `true`: that would take the client's own claim as its
 * address, and per-address back-off would then be free to dodge.
 */
function trustProxy(read: EnvReader, raw: string): false | number | string[] {
  if (/^(off|false|no|0)$/i.test(raw)) return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  const named = ['loopback', 'linklocal', 'uniquelocal'];
  for (const entry of entries) {
    if (!named.includes(entry) && !/^[0-9a-f.:]+(\/\d{1,3})?$/i.test(entry)) {
      read.problem('TRUST_PROXY', `must be off, a number of proxy hops, or a comma-separated list of addresses, subnets, loopback, linklocal or uniquelocal (got '${entry}')`);
      return false;
    }
  }
  return entries;
}

/** The environment wins over `.env` (dotenv never overwrites a set variable): say so when they differ. */
function proxyKeySource(key: string, envFile: RawEnv | undefined): ProxyKeySource {
  const inFile = envFile?.PROXY_API_KEY?.trim();
  if (!inFile) return 'environment';
  return stripQuotes(inFile) === key ? '.env' : 'environment, overriding .env';
}

/** Model ids and client model names: `claude-sonnet-4.5`, `claude-opus-4-5-20251101`, `gpt-5.5`, `claude-sonnet-4-5[1m]`. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/\[\]-]{0,127}$/;

function modelName(read: EnvReader, variable: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (MODEL_NAME.test(raw)) return raw;
  read.problem(variable, `must be a model name such as claude-sonnet-4.5 (got '${raw}')`);
  return undefined;
}

/** `name=model` pairs, comma-separated: `gpt-5.5=claude-sonnet-4.5,claude-opus-5-5=claude-opus-4.8`. */
function modelAliases(read: EnvReader, raw: string | undefined): ReadonlyMap<string, string> {
  const aliases = new Map<string, string>();
  if (raw === undefined) return aliases;
  for (const entry of raw.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [from, to, ...rest] = entry.split('=').map((side) => side.trim());
    if (rest.length > 0 || !from || !to || !MODEL_NAME.test(from) || !MODEL_NAME.test(to)) {
      read.problem('MODEL_ALIASES', `must be comma-separated name=model pairs such as gpt-5.5=claude-sonnet-4.5 (got '${entry}')`);
    } else if (aliases.has(from.toLowerCase())) {
      read.problem('MODEL_ALIASES', `names '${from}' twice`);
    } else {
      aliases.set(from.toLowerCase(), to);
    }
  }
  return aliases;
}

function accountsConfig(read: EnvReader, homeDir: string | undefined): AccountsConfig {
  const raw = read.optional('KIRO_ACCOUNTS_FILE');
  const file = raw && homeDir ? raw.replace(/^~(?=$|[\\/])/, homeDir) : raw;
  let list: AccountSpec[] = [];
  if (file) {
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      read.problem('KIRO_ACCOUNTS_FILE', code === 'ENOENT' ? `names ${file}, which does not exist` : `names ${file}, which cannot be read (${code ?? (err as Error).message})`);
    }
    if (text !== undefined) {
      const parsed = parseAccountsFile(text);
      for (const problem of parsed.problems) read.problem('KIRO_ACCOUNTS_FILE', `(${file}) ${problem}`);
      list = parsed.accounts;
    }
  }
  const maxConcurrency = read.integer('ACCOUNT_MAX_CONCURRENCY', 0, 0, 10_000);
  return {
    file,
    list,
    strategy: read.oneOf('ACCOUNT_STRATEGY', SELECTION_STRATEGIES, 'least_used', (v) => v.toLowerCase().replace(/-/g, '_')),
    maxConcurrency: maxConcurrency === 0 ? undefined : maxConcurrency,
    queueSize: read.integer('ACCOUNT_QUEUE_SIZE', 100, 0, 100_000),
    queueTimeoutMs: read.durationMs('ACCOUNT_QUEUE_TIMEOUT', 30),
    affinityTtlMs: read.durationMs('SESSION_AFFINITY_TTL', 3600, { allowZero: true }),
    usageRefreshMs: read.durationMs('USAGE_REFRESH_INTERVAL', 600, { allowZero: true }),
  };
}

/** PROXY_API_KEYS (static, read-only keys) and CLIENT_KEYS_FILE (where keys made in the console are kept, hashed). */
export interface ClientKeysConfig {
  static: StaticKeyEntry[];
  /** CLIENT_KEYS_FILE, or undefined (`off`): then no key can be created. */
  file: string | undefined;
}

function clientKeysConfig(read: EnvReader, reserved: string[]): ClientKeysConfig {
  const parsed = parseStaticKeys(read.optional('PROXY_API_KEYS'), reserved);
  for (const problem of parsed.problems) read.problem('PROXY_API_KEYS', problem);
  const file = read.string('CLIENT_KEYS_FILE', 'data/client-keys.json');
  return { static: parsed.keys, file: file.toLowerCase() === 'off' ? undefined : file };
}

/** Separate from the proxy key: holding the key that uses the accounts must not manage them. */
function adminApiKey(read: EnvReader, proxyApiKey: string): string | undefined {
  const key = read.optional('ADMIN_API_KEY');
  if (key === undefined) return undefined;
  if (key.length < 16) read.problem('ADMIN_API_KEY', 'must be at least 16 characters (a long random string)');
  else if (key === proxyApiKey) read.problem('ADMIN_API_KEY', 'must differ from PROXY_API_KEY: whoever may use the gateway must not manage its accounts');
  else if (key === EXAMPLE_PROXY_API_KEY) read.problem('ADMIN_API_KEY', 'is still the placeholder from .env.example: set it to a long random string of your own');
  return key;
}

/** The admin console's request log (an embedded SQLite file): only kept with ADMIN_API_KEY. */
export interface RequestLogConfig {
  /** REQUEST_LOG_FILE: the database file, `:memory:` for one that ends with the process, or undefined (`off`). */
  file: string | undefined;
  /** REQUEST_LOG_RETENTION_HOURS: older entries are deleted. */
  retentionMs: number;
  /** REQUEST_LOG_MAX_ROWS: past it the oldest entries are deleted. */
  maxRows: number;
  /** REQUEST_LOG_STREAM_MAX: with REDIS_URL, the entries the shared stream keeps (every replica reads them into its own log). */
  streamMaxLength: number;
}

function requestLogConfig(read: EnvReader): RequestLogConfig {
  const raw = read.string('REQUEST_LOG_FILE', 'data/request-log.sqlite3');
  const hours = read.number('REQUEST_LOG_RETENTION_HOURS', 168);
  if (!(hours > 0) || hours > 24 * 366) read.problem('REQUEST_LOG_RETENTION_HOURS', `must be a number of hours above 0 and at most a year (got '${read.optional('REQUEST_LOG_RETENTION_HOURS')}')`);
  return {
    file: raw.toLowerCase() === 'off' ? undefined : raw,
    retentionMs: Math.round((hours > 0 && hours <= 24 * 366 ? hours : 168) * 3_600_000),
    maxRows: read.integer('REQUEST_LOG_MAX_ROWS', 100_000, 100, 10_000_000),
    streamMaxLength: read.integer('REQUEST_LOG_STREAM_MAX', 10_000, 100, 1_000_000),
  };
}

/** A replica's name: letters, digits and `._:-`, as hostnames and container names are. */
function instanceName(read: EnvReader): string {
  const raw = read.optional('GATEWAY_INSTANCE');
  if (raw !== undefined && !/^[A-Za-z0-9._:-]{1,64}$/.test(raw)) read.problem('GATEWAY_INSTANCE', `must be 1 to 64 letters, digits, '.', '_', ':' or '-' (got '${raw.slice(0, 80)}')`);
  else if (raw !== undefined) return raw;
  // Two processes on one host (or two containers that share one name) still tell apart.
  return `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 48) || 'gateway'}:${process.pid}`;
}

function alertsConfig(read: EnvReader): AlertsConfig {
  const threshold = read.number('ALERT_QUOTA_THRESHOLD', 90);
  if (!(threshold > 0 && threshold <= 100)) read.problem('ALERT_QUOTA_THRESHOLD', `must be a percentage above 0 and at most 100 (got '${read.optional('ALERT_QUOTA_THRESHOLD')}')`);
  return {
    webhookUrl: webhookUrl(read, read.optional('ALERT_WEBHOOK_URL')),
    quotaThresholdPercent: threshold > 0 && threshold <= 100 ? threshold : 90,
    throttleCount: read.integer('ALERT_THROTTLE_COUNT', 5, 1, 10_000),
    throttleWindowMs: read.durationMs('ALERT_THROTTLE_WINDOW', 600),
    intervalMs: read.durationMs('ALERT_INTERVAL', 900),
    timeoutMs: read.durationMs('ALERT_TIMEOUT', 5),
  };
}

/** The webhook is a secret (a Slack URL embeds its token): a problem with it never quotes it. */
function webhookUrl(read: EnvReader, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    // reported below
  }
  if ((parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') || /\s/.test(raw)) {
    read.problem('ALERT_WEBHOOK_URL', 'must be an http:// or https:// URL (its value is not repeated here: it is a secret)');
    return undefined;
  }
  return raw;
}

function proxyVariable(read: EnvReader, name: string): string | undefined {
  const value = read.optional(name);
  if (value === undefined) return undefined;
  if (!isProxyUrl(value) || value.startsWith('socks')) {
    read.problem(name, 'must be an http:// or https:// proxy URL such as http://proxy.internal:3128');
    return undefined;
  }
  return value;
}

function redisUrl(read: EnvReader, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^rediss?:\/\/\S+$/i.test(raw)) {
    read.problem('REDIS_URL', 'must be a redis:// or rediss:// URL');
    return undefined;
  }
  return raw;
}

/** `*` (any origin), `off`/`none` (no CORS), or a comma-separated list of origins. */
function corsOrigins(read: EnvReader, raw: string): '*' | string[] {
  if (raw === '*') return '*';
  if (/^(off|none|false)$/i.test(raw)) return [];
  const origins = raw.split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter(Boolean);
  const bad = origins.find((origin) => !/^https?:\/\/[^/\s]+$/i.test(origin));
  if (bad !== undefined) {
    read.problem('CORS_ORIGINS', `must be *, off, or a comma-separated list of origins like https://chat.example.com (got '${bad}')`);
    return [];
  }
  return origins;
}

function positive(read: EnvReader, name: string, fallback: number): number {
  const value = read.number(name, fallback);
  if (value <= 0) {
    read.problem(name, `must be a positive number (got '${value}')`);
    return fallback;
  }
  return value;
}

/** A PEM file's text, read once at start-up; a missing or non-PEM file is a configuration problem. */
function readPemFile(read: EnvReader, name: string): string | undefined {
  const path = read.optional(name);
  if (!path) return undefined;
  try {
    const pem = readFileSync(path, 'utf8');
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
    read.problem(name, `'${path}' holds no PEM certificate`);
  } catch (err) {
    read.problem(name, `cannot be read: ${(err as Error).message}`);
  }
  return undefined;
}
