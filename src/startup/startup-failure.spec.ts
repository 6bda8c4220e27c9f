import { CredentialSourceError } from '../auth/credential-source.error';
import { ConfigValidationError } from '../config/env.schema';
import { describeStartupFailure, ListenError } from './startup-failure';

const errnoError = (code: string, syscall: string): NodeJS.ErrnoException => Object.assign(new Error(`${syscall} ${code}`), { code, syscall });
const listenError = (code: string, syscall = 'listen'): ListenError => new ListenError(errnoError(code, syscall));
const TARGET = { host: '127.0.0.1', port: 8000 };

describe(describeStartupFailure.name, () => {
  it('gives one line per bad setting', () => {
    const error = new ConfigValidationError([
      { variable: 'PORT', reason: "must be a number (got 'abc')" },
      { variable: 'LOG_LEVEL', reason: "must be one of DEBUG, INFO (got 'loud')" },
    ]);

    expect(describeStartupFailure(error)).toEqual([
      "Invalid configuration: PORT must be a number (got 'abc')",
      "Invalid configuration: LOG_LEVEL must be one of DEBUG, INFO (got 'loud')",
    ]);
  });

  it('gives a credential source problem as its one line, also when wrapped', () => {
    const cause = new CredentialSourceError('KIRO_CREDS_FILE (/x.json) does not exist: correct it');

    expect(describeStartupFailure(new Error('init failed', { cause }))).toEqual(['KIRO_CREDS_FILE (/x.json) does not exist: correct it']);
  });

  it.each([
    ['EADDRINUSE', 'port 8000 is in use (on 127.0.0.1; another gateway or demo still running?): stop that process, or set PORT to a free port, e.g. PORT=8001'],
    ['EACCES', 'no permission to listen on port 8000: ports below 1024 need privileges; set PORT=8000 (or any port from 1024 up)'],
    ['EADDRNOTAVAIL', 'HOST=127.0.0.1 is not an address of this machine: set HOST=0.0.0.0 (every interface) or HOST=127.0.0.1 (this machine only)'],
  ])('names the setting to change for %s', (code, line) => {
    expect(describeStartupFailure(listenError(code), TARGET)).toEqual([line]);
  });

  it('names HOST when it cannot be resolved', () => {
    expect(describeStartupFailure(listenError('ENOTFOUND', 'getaddrinfo'), { host: 'gateway.invalid', port: 8000 })).toEqual([
      'HOST=gateway.invalid cannot be resolved: set HOST to an address of this machine, such as 0.0.0.0 or 127.0.0.1',
    ]);
  });

  it('leaves anything else to be reported as the bug it is', () => {
    expect(describeStartupFailure(new TypeError('x is undefined'), TARGET)).toBeUndefined();
    expect(describeStartupFailure(listenError('EADDRINUSE', 'connect'), TARGET)).toBeUndefined();
  });

  it('reads only the listen() failure as a HOST problem, not a name lookup deeper in another failure', () => {
    const credentialsUrlDown = new Error('loading the credentials URL failed', { cause: errnoError('ENOTFOUND', 'getaddrinfo') });

    expect(describeStartupFailure(credentialsUrlDown, TARGET)).toBeUndefined();
    expect(describeStartupFailure(errnoError('EADDRINUSE', 'listen'), TARGET)).toBeUndefined();
  });
});
