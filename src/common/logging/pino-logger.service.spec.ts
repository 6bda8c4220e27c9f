import { Writable } from 'node:stream';
import { PinoLoggerService } from './pino-logger.service';

function capture(level: 'DEBUG' | 'INFO' | 'ERROR' = 'INFO'): { logger: PinoLoggerService; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = new PinoLoggerService({ level, debugMode: 'off', debugDir: 'x', format: 'json' }, sink);
  return { logger, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe(PinoLoggerService.name, () => {
  it('writes one JSON line per message with its context', () => {
    const { logger, lines } = capture();

    logger.log('started', 'Gateway');

    expect(lines()).toEqual([{ level: 30, time: expect.any(String), context: 'Gateway', msg: 'started' }]);
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
});
