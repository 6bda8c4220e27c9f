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

/** pino-pretty's options: one line per entry, the context in front. */
const PRETTY_OPTIONS = { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,context', messageFormat: '[{context}] {msg}', singleLine: true };

/**
 * Nest's logger backed by pino: JSON lines in production, human-readable in development, at
 * LOG_LEVEL, with credential fields redacted. Objects passed as messages become structured
 * fields, so a request's log line is queryable rather than a string.
 *
 * Stdout is written by pino's transport, in a worker thread: a slow or blocked pipe (a stalled
 * log shipper, a paused terminal) blocks that thread, never the event loop and so every request.
 * When the process exits, pino waits (up to 10 s) for the worker to write out everything logged
 * before, in order, so the last lines before an exit (shutdown, a start-up failure) still come
 * out. pino's in-process asynchronous writer could not promise that: a write still in flight at
 * exit would land after the ones flushed synchronously, or not at all.
 */
export class PinoLoggerService implements LoggerService {
  private readonly logger: Logger;
  /** The transport to stdout; undefined when a destination was given (tests). */
  private readonly stdout: ReturnType<typeof pino.transport> | undefined;
  /** Resolves once the writer thread runs: lines logged until then are written as soon as it does. */
  readonly ready: Promise<void>;

  constructor(
    settings: GatewayConfig['logging'],
    /** Where lines go instead of stdout (tests): written in-process. */
    destination?: pino.DestinationStream,
    /** Where pino-pretty is installed; undefined when it is not. */
    findPretty: () => string | undefined = findPinoPretty,
  ) {
    const options: LoggerOptions = {
      level: PINO_LEVEL[settings.level],
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    };
    const pretty = settings.format === 'pretty' ? findPretty() : undefined;
    if (destination) {
      this.logger = pino(options, pretty ? prettyStream(pretty, destination) : destination);
    } else {
      const colorize = process.stdout.isTTY === true;
      this.stdout = pino.transport(pretty ? { target: pretty, options: { ...PRETTY_OPTIONS, colorize, destination: 1 } } : { target: 'pino/file', options: { destination: 1 } });
      this.logger = pino(options, this.stdout);
    }
    const stdout = this.stdout;
    this.ready = stdout
      ? new Promise((resolve) => {
          stdout.once('ready', () => resolve());
          // A writer that could not start is no reason to hold up serving.
          stdout.once('error', () => resolve());
        })
      : Promise.resolve();
    if (settings.format === 'pretty' && !pretty) {
      this.logger.warn(
        { context: 'Logging' },
        'LOG_FORMAT=pretty needs the pino-pretty package, which this installation lacks: logging JSON instead (npm install pino-pretty, or set LOG_FORMAT=json)',
      );
    }
  }

  /**
   * Hands whatever is still queued to the writer thread, synchronously: before a line that goes
   * to stderr at once (a start-up failure), so the lines logged before it come first.
   */
  flush(): void {
    try {
      this.stdout?.flushSync();
    } catch {
      // The writer thread is gone: there is nowhere left to write to.
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
    // Debug lines are asked for on every request: nothing is built for a level that is off.
    if (!this.logger.isLevelEnabled(level)) return;
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

/** The installed pino-pretty, for the transport to load; undefined when it is not installed. */
function findPinoPretty(): string | undefined {
  try {
    return require.resolve('pino-pretty');
  } catch {
    return undefined;
  }
}

/** pino-pretty in-process, for a destination given by a test. */
function prettyStream(modulePath: string, destination: pino.DestinationStream): pino.DestinationStream {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prettyFactory } = require(modulePath) as { prettyFactory: (options: Record<string, unknown>) => (line: string) => string };
  const prettify = prettyFactory({ ...PRETTY_OPTIONS, colorize: false });
  return { write: (line: string) => destination.write(prettify(line)) };
}
