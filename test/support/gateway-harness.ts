import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpAdapter } from '../../src/common/http/http-server';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { loadGatewayConfig, type GatewayConfig } from '../../src/config/gateway.config';
import { KiroSimulator, type SimulatorOptions } from '../simulator';

export const PROXY_KEY = 'test-proxy-key';

/** Every variable the gateway reads, so a test's environment is complete and explicit. */
const GATEWAY_VARIABLES = [
  'PROXY_API_KEY', 'PROXY_API_KEYS', 'CLIENT_KEYS_FILE', 'PORT', 'HOST', 'REFRESH_TOKEN', 'PROFILE_ARN', 'KIRO_REGION', 'KIRO_CREDS_FILE', 'KIRO_CLIENT_ID',
  'KIRO_CLIENT_SECRET', 'KIRO_HOME', 'MAX_RETRIES', 'BASE_RETRY_DELAY', 'FIRST_TOKEN_TIMEOUT', 'FIRST_TOKEN_MAX_RETRIES',
  'STREAM_READ_TIMEOUT', 'NON_STREAM_TIMEOUT', 'SLOW_MODEL_TIMEOUT_MULTIPLIER', 'STREAM_KEEPALIVE_INTERVAL', 'MODEL_CACHE_TTL',
  'TOOL_DESCRIPTION_MAX_LENGTH', 'LOG_LEVEL', 'DEBUG_MODE', 'DEBUG_DIR', 'RATE_LIMIT_PER_MINUTE', 'FAKE_REASONING',
  'FAKE_REASONING_MAX_TOKENS', 'FAKE_REASONING_HANDLING', 'KIRO_API_HOST', 'KIRO_Q_HOST', 'KIRO_REFRESH_URL',
  'KIRO_OIDC_URL', 'BODY_LIMIT', 'KIRO_MAX_PAYLOAD_BYTES', 'SHUTDOWN_GRACE_PERIOD', 'CORS_ORIGINS', 'LOG_FORMAT', 'REDIS_URL', 'KIRO_STREAM_CONNECTION_CLOSE', 'KIRO_TEST_CA_FILE', 'KIRO_GATEWAY_DEMO',
  'MODEL_ALIASES', 'MODEL_FALLBACK', 'STREAM_MAX_RESUMES', 'TOOL_CALL_RECOVERY', 'REDIS_COMMAND_TIMEOUT', 'TRUST_PROXY', 'AUTH_FAILURE_LIMIT', 'NEW_TENANTS_PER_IP',
  'BODY_MAX_INFLATE_RATIO', 'MAX_JSON_ELEMENTS', 'MAX_MESSAGES', 'MAX_CONTENT_BLOCKS', 'MAX_TOOLS', 'MAX_STOP_SEQUENCES',
  'MAX_IMAGE_BYTES', 'MAX_REQUEST_IMAGE_BYTES', 'METRICS_PORT', 'GATEWAY_SECRET', 'METRICS_LABEL_SECRET',
  'WEB_SEARCH', 'WEB_SEARCH_MAX_ROUNDS', 'WEB_SEARCH_TIMEOUT',
  'KIRO_ACCOUNTS_FILE', 'ACCOUNT_STRATEGY', 'ACCOUNT_MAX_CONCURRENCY', 'ACCOUNT_QUEUE_SIZE', 'ACCOUNT_QUEUE_TIMEOUT',
  'SESSION_AFFINITY_TTL', 'USAGE_REFRESH_INTERVAL', 'ADMIN_API_KEY', 'ADMIN_SESSION_TTL', 'REQUEST_LOG_FILE', 'REQUEST_LOG_RETENTION_HOURS', 'REQUEST_LOG_MAX_ROWS', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy',
  'GATEWAY_INSTANCE', 'REQUEST_LOG_STREAM_MAX', 'ALERT_WEBHOOK_URL', 'ALERT_QUOTA_THRESHOLD', 'ALERT_THROTTLE_COUNT', 'ALERT_THROTTLE_WINDOW', 'ALERT_INTERVAL', 'ALERT_TIMEOUT',
];

export interface Harness {
  sim: KiroSimulator;
  app: INestApplication;
  /** The gateway's base URL, e.g. http://127.0.0.1:43123 */
  url: string;
  config: GatewayConfig;
  /** The official OpenAI client pointed at the gateway. */
  openai: (apiKey?: string) => OpenAI;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  simulator?: SimulatorOptions;
}

/** Starts the simulator on port 0 and the whole gateway app against it, on port 0 too. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await KiroSimulator.start(options.simulator);
  for (const name of GATEWAY_VARIABLES) delete process.env[name];
  Object.assign(process.env, {
    PROXY_API_KEY: PROXY_KEY,
    ...sim.gatewayEnv(),
    LOG_LEVEL: 'ERROR',
    BASE_RETRY_DELAY: '0.01',
    // No stray Kiro IDE login from the machine running the tests.
    KIRO_HOME: '/nonexistent-kiro-home',
    // The admin console's request log, where ADMIN_API_KEY turns it on: never a file in the work tree.
    REQUEST_LOG_FILE: ':memory:',
    // Keys made through the admin API: a test that makes some names its own file.
    CLIENT_KEYS_FILE: 'off',
    ...options.env,
  });

  // Parsed once and handed to the app, as bootstrap.ts does (NODE_ENV=test: no .env file).
  const config = loadGatewayConfig(process.env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config, { forceCloseConnections: true }), { bodyParser: false, logger: ['fatal', 'error'] });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    sim,
    app,
    url,
    config,
    openai: (apiKey = PROXY_KEY) => new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0, timeout: 20_000 }),
    async close() {
      await app.close();
      await sim.close();
    },
  };
}

/** Parses an SSE body into its `data:` payloads (JSON objects, or the literal `[DONE]`). */
export function parseSse(body: string): Array<Record<string, unknown> | '[DONE]'> {
  return body
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Record<string, unknown>);
    });
}

/**
 * POSTs a streamed request and hangs up once `events` SSE events have arrived, as a client that
 * goes away mid-stream.
 */
export function leaveStreamAfter(url: string, headers: Record<string, string>, body: unknown, events = 5): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' } });
    req.on('response', (res) => {
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        seen += chunk.toString().split('data: ').length - 1;
        if (seen >= events) {
          req.destroy();
          resolve();
        }
      });
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(JSON.stringify(body));
  });
}
