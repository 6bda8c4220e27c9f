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
    /** Express body-parser limit, kept in its textual form (`20mb`). */
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
    refreshUrl: string;
    oidcUrl: string;
    /** The OIDC URL before `{region}` substitution: AWS SSO refreshes go to the credential's SSO region. */
    oidcUrlTemplate: string;
    profileArn: string | undefined;
    /** Kiro answers a bare 400 to bodies over roughly 615 KB (kiro-protocol.md §2.5 #9). */
    maxPayloadBytes: number;
    /** `Connection: close` on streaming calls (the Python service's CLOSE_WAIT fix, §5 #3). */
    closeStreamConnections: boolean;
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
  models: {
    cacheTtlMs: number;
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
    /** Express `trust proxy`: false (the socket's address is the client), a hop count, or trusted addresses. */
    trustProxy: false | number | string[];
    /** Failed key attempts from one client address before it is made to back off (0: never). */
    authFailureLimit: number;
    /** Tenants not seen before that one client address may introduce per hour (0: any number). */
    newTenantsPerIpPerHour: number;
  };
  metrics: {
    /** Serve /metrics without the key on this port only; unset: on the API port, with the key. */
    port: number | undefined;
    /** HMAC key for tenant labels; unset: shared through Redis, else random at start. */
    labelSecret: string | undefined;
  };
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

/** A configuration value that cannot be used; the message always names the variable. */
export class ConfigValidationError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigValidationError';
  }
}

class EnvReader {
  constructor(private readonly env: RawEnv) {}

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
    if (value === undefined) throw new ConfigValidationError(name, `is required: ${hint}`);
    return value;
  }

  /** Seconds, fractions allowed (`0.05`), returned in milliseconds. */
  durationMs(name: string, fallbackSeconds: number, { allowZero = false } = {}): number {
    const seconds = this.number(name, fallbackSeconds);
    if (seconds < 0 || (!allowZero && seconds === 0)) {
      throw new ConfigValidationError(name, `must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds (got '${this.optional(name)}')`);
    }
    return Math.round(seconds * 1000);
  }

  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.number(name, fallback);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigValidationError(name, `must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`} (got '${this.optional(name)}')`);
    }
    return value;
  }

  number(name: string, fallback: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new ConfigValidationError(name, `must be a number (got '${raw}')`);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    throw new ConfigValidationError(name, `must be true or false (got '${raw}')`);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T, normalise: (v: string) => string = (v) => v): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = normalise(raw);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigValidationError(name, `must be one of ${allowed.join(', ')} (got '${raw}')`);
    }
    return value as T;
  }

  url(name: string, fallbackTemplate: string, region: string): string {
    const value = this.string(name, fallbackTemplate).replaceAll('{region}', region);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigValidationError(name, `must be an http(s) URL (got '${value}')`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ConfigValidationError(name, `must be an http(s) URL (got '${value}')`);
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

/** Parses and validates the environment; throws {@link ConfigValidationError} naming the variable. */
export function parseGatewayEnv(env: RawEnv): GatewayConfig {
  const read = new EnvReader(env);
  const region = read.string('KIRO_REGION', 'us-east-1');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new ConfigValidationError('KIRO_REGION', `must be an AWS region such as us-east-1 (got '${region}')`);
  }
  const bodyLimit = read.string('BODY_LIMIT', '20mb');
  if (!SIZE.test(bodyLimit)) {
    throw new ConfigValidationError('BODY_LIMIT', `must be a size such as 20mb or 500kb (got '${bodyLimit}')`);
  }
  const host = read.string('HOST', '0.0.0.0');
  const proxyApiKey = read.required('PROXY_API_KEY', 'the key clients must send (Authorization: Bearer KEY)');
  if (proxyApiKey === EXAMPLE_PROXY_API_KEY) {
    throw new ConfigValidationError('PROXY_API_KEY', 'is still the placeholder from .env.example: set it to a long random string of your own');
  }
  const homeDir = read.optional('KIRO_HOME') ?? read.optional('HOME') ?? read.optional('USERPROFILE');
  const credsFile = read.optional('KIRO_CREDS_FILE');

  return {
    server: {
      host,
      port: read.integer('PORT', 8000, 0, 65535),
      proxyApiKey,
      bodyLimit,
      shutdownGraceMs: read.durationMs('SHUTDOWN_GRACE_PERIOD', 30, { allowZero: true }),
      corsOrigins: corsOrigins(read.string('CORS_ORIGINS', '*')),
    },
    kiro: {
      region,
      apiHost: read.url('KIRO_API_HOST', 'https://q.{region}.amazonaws.com', region),
      qHost: read.url('KIRO_Q_HOST', 'https://q.{region}.amazonaws.com', region),
      refreshUrl: read.url('KIRO_REFRESH_URL', 'https://prod.{region}.auth.desktop.kiro.dev/refreshToken', region),
      oidcUrl: read.url('KIRO_OIDC_URL', 'https://oidc.{region}.amazonaws.com/token', region),
      oidcUrlTemplate: read.string('KIRO_OIDC_URL', 'https://oidc.{region}.amazonaws.com/token').replace(/\/+$/, ''),
      profileArn: read.optional('PROFILE_ARN'),
      maxPayloadBytes: read.integer('KIRO_MAX_PAYLOAD_BYTES', 600_000, 1_000),
      closeStreamConnections: read.boolean('KIRO_STREAM_CONNECTION_CLOSE', true),
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
    models: {
      cacheTtlMs: read.durationMs('MODEL_CACHE_TTL', 3600),
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
    redis: { url: redisUrl(read.optional('REDIS_URL')), commandTimeoutMs: read.durationMs('REDIS_COMMAND_TIMEOUT', 0.2) },
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
      bodyBytes: sizeInBytes(bodyLimit),
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
      trustProxy: trustProxy(read.string('TRUST_PROXY', 'off')),
      authFailureLimit: read.integer('AUTH_FAILURE_LIMIT', 10, 0),
      newTenantsPerIpPerHour: read.integer('NEW_TENANTS_PER_IP', 20, 0),
    },
    metrics: {
      port: read.optional('METRICS_PORT') === undefined ? undefined : read.integer('METRICS_PORT', 0, 0, 65535),
      labelSecret: read.optional('METRICS_LABEL_SECRET'),
    },
  };
}

/** `20mb`, `500kb`, `1048576`: binary units, as body-parser reads BODY_LIMIT. */
function sizeInBytes(text: string): number {
  const [, amount, unit = 'b'] = SIZE.exec(text) as RegExpExecArray;
  const power = ['b', 'kb', 'mb', 'gb'].indexOf(unit.toLowerCase());
  return Math.floor(Number(amount) * 1024 ** power);
}

function size(read: EnvReader, name: string, fallback: string): number {
  const text = read.string(name, fallback);
  if (!SIZE.test(text) || sizeInBytes(text) < 1) throw new ConfigValidationError(name, `must be a size such as 5mb or 500kb (got '${text}')`);
  return sizeInBytes(text);
}

/**
 * Whose X-Forwarded-For to believe. Never `true`: that would take the client's own claim as its
 * address, and per-address back-off would then be free to dodge.
 */
function trustProxy(raw: string): false | number | string[] {
  if (/^(off|false|no|0)$/i.test(raw)) return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  const named = ['loopback', 'linklocal', 'uniquelocal'];
  for (const entry of entries) {
    if (!named.includes(entry) && !/^[0-9a-f.:]+(\/\d{1,3})?$/i.test(entry)) {
      throw new ConfigValidationError('TRUST_PROXY', `must be off, a number of proxy hops, or a comma-separated list of addresses, subnets, loopback, linklocal or uniquelocal (got '${entry}')`);
    }
  }
  return entries;
}

function redisUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^rediss?:\/\/\S+$/i.test(raw)) throw new ConfigValidationError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  return raw;
}

/** `*` (any origin), `off`/`none` (no CORS), or a comma-separated list of origins. */
function corsOrigins(raw: string): '*' | string[] {
  if (raw === '*') return '*';
  if (/^(off|none|false)$/i.test(raw)) return [];
  const origins = raw.split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/i.test(origin)) throw new ConfigValidationError('CORS_ORIGINS', `must be *, off, or a comma-separated list of origins like https://chat.example.com (got '${origin}')`);
  }
  return origins;
}

function positive(read: EnvReader, name: string, fallback: number): number {
  const value = read.number(name, fallback);
  if (value <= 0) throw new ConfigValidationError(name, `must be a positive number (got '${value}')`);
  return value;
}
