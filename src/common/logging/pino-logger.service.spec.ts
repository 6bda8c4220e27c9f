import { Writable } from 'node:stream';
import { PinoLoggerService } from './pino-logger.service';

function capture(
  level: 'DEBUG' | 'INFO' | 'ERROR' = 'INFO',
  format: 'json' | 'pretty' = 'json',
  loadPretty?: () => undefined,
): { logger: PinoLoggerService; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = new PinoLoggerService({ level, debugMode: 'off', debugDir: 'x', format }, sink, loadPretty);
  return { logger, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe(PinoLoggerService.name, () => {
  it('writes one JSON line per message with its context', () => {
    const { logger, lines } = capture();

    logger.log('started', 'Gateway');

    expect(lines()).toEqual([{ level: 30, time: expect.any(String), context: 'Gateway', msg: 'started' }]);
  });

  it('does not even read a message whose level is off', () => {
    const { logger, lines } = capture('INFO');
    let read = 0;
    const message = {
      get msg() {
        read++;
        return 'detail';
      },
    };

    logger.debug(message, 'Kiro');
    logger.log(message, 'Kiro');

    expect(read).toBe(1);
    expect(lines()).toEqual([expect.objectContaining({ level: 30, msg: 'detail' })]);
  });

  it('turns an object message into structured fields', () => {
    const { logger, lines } = capture();

    logger.log({ requestId: 'r1', status: 200 }, 'HTTP');

    expect(lines()[0]).toMatchObject({ context: 'HTTP', requestId: 'r1', status: 200 });
  });

  it('redacts credential fields wherever they sit', () => {
    const { logger, lines } = capture();

    logger.log({ headers: { authorization: 'Bearer secret' }, credential: { refreshToken: 'aor-secret', accessToken: 'aoa-secret' } }, 'X');

    expect(JSON.stringify(lines())).not.toMatch(/secret/);
    expect(lines()[0]).toMatchObject({ headers: { authorization: '[redacted]' }, credential: { refreshToken: '[redacted]', accessToken: '[redacted]' } });
  });

  it('honours LOG_LEVEL', () => {
    const { logger, lines } = capture('ERROR');

    logger.log('quiet', 'X');
    logger.warn('quiet too', 'X');
    logger.error('loud', 'stack trace', 'X');

    expect(lines()).toEqual([{ level: 50, time: expect.any(String), context: 'X', stack: 'stack trace', msg: 'loud' }]);
  });

  it("writes Nest's module and route lines at debug, not info", () => {
    const { logger, lines } = capture('INFO');

    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('ChatController {/v1}:', 'RoutesResolver');
    logger.log('Mapped {/v1/chat/completions, POST} route', 'RouterExplorer');
    logger.log('Starting Nest application...', 'NestFactory');
    logger.log('Nest application successfully started', 'NestApplication');
    logger.log('Kiro credentials loaded from REFRESH_TOKEN environment variable (social refresh)', 'AuthService');

    expect(lines()).toEqual([
      { level: 30, time: expect.any(String), context: 'AuthService', msg: 'Kiro credentials loaded from REFRESH_TOKEN environment variable (social refresh)' },
    ]);
  });

  it("still shows Nest's lines at DEBUG", () => {
    const { logger, lines } = capture('DEBUG');

    logger.log('Mapped {/v1/chat/completions, POST} route', 'RouterExplorer');

    expect(lines()).toEqual([{ level: 20, time: expect.any(String), context: 'RouterExplorer', msg: 'Mapped {/v1/chat/completions, POST} route' }]);
  });

  it('says so when LOG_FORMAT=pretty cannot be honoured, and logs JSON', () => {
    const { logger, lines } = capture('INFO', 'pretty', () => undefined);

    logger.log('started', 'Gateway');

    expect(lines()).toEqual([
      {
        level: 40,
        time: expect.any(String),
        context: 'Logging',
        msg: 'LOG_FORMAT=pretty needs the pino-pretty package, which this installation lacks: logging JSON instead (npm install pino-pretty, or set LOG_FORMAT=json)',
      },
      { level: 30, time: expect.any(String), context: 'Gateway', msg: 'started' },
    ]);
  });
});
