import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { GatewayConfig } from '../../config/gateway.config';

const PINO_LEVEL: Record<GatewayConfig['logging']['level'], pino.Level> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
};

/** Fields that hold credentials wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.authorization',
  '*.refreshToken',
  '*.accessToken',
  '*.refresh_token',
  '*.access_token',
  '*.clientSecret',
  '*.client_secret',
  '*.proxyApiKey',
];

/**
 * Nest's own start-up chatter (one line per module, controller and route, ~35 in all): useful
 * when debugging wiring, noise before the lines that matter (credentials, key, address).
 */
const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * Nest's logger backed by pino: JSON lines in production, human-readable in development, at
 * LOG_LEVEL, with credential fields redacted. Objects passed as messages become structured
 * fields, so a request's log line is queryable rather than a string.
 */
export class PinoLoggerService implements LoggerService {
  private readonly logger: Logger;

  constructor(
    settings: GatewayConfig['logging'],
    /** Where lines go instead of stdout (tests). */
    destination?: pino.DestinationStream,
    loadPretty: () => pino.DestinationStream | undefined = prettyStream,
  ) {
    const options: LoggerOptions = {
      level: PINO_LEVEL[settings.level],
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    };
    const pretty = settings.format === 'pretty' ? loadPretty() : undefined;
    // Synchronous stdout, like the pretty stream: the lines written just before an exit (shutdown,
    // a crash) must come out, and in order; one short line per request costs microseconds.
    this.logger = pino(options, destination ?? pretty ?? pino.destination({ dest: 1, sync: true }));
    if (settings.format === 'pretty' && !pretty) {
      this.logger.warn(
        { context: 'Logging' },
        'LOG_FORMAT=pretty needs the pino-pretty package, which this installation lacks: logging JSON instead (npm install pino-pretty, or set LOG_FORMAT=json)',
      );
    }
  }

  log(message: unknown, context?: string): void {
    this.write(context !== undefined && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    // Nest passes (message, stack, context) for errors, or (message, context).
    const hasStack = context !== undefined;
    this.write('error', message, hasStack ? context : stackOrContext, hasStack ? stackOrContext : undefined);
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  setLogLevels(_levels: NestLogLevel[]): void {
    // LOG_LEVEL decides, once, at start-up.
  }

  private write(level: pino.Level, message: unknown, context?: string, stack?: string): void {
    const fields: Record<string, unknown> = context ? { context } : {};
    if (stack) fields.stack = stack;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.logger[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : undefined);
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

/** pino-pretty, in-process and synchronous; undefined when it is not installed. */
function prettyStream(): pino.DestinationStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (options: Record<string, unknown>) => pino.DestinationStream;
    return pretty({ colorize: process.stdout.isTTY === true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,context', messageFormat: '[{context}] {msg}', singleLine: true });
  } catch {
    return undefined;
  }
}
