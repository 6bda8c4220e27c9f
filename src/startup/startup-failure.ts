import { CredentialSourceError } from '../auth/credential-source.error';
import { ConfigValidationError } from '../config/env.schema';

export interface ListenTarget {
  host: string;
  port: number;
}

/**
 * The HTTP server's own listen() failed: the only error that is read as a HOST or PORT problem
 * (a `getaddrinfo ENOTFOUND` deeper in some other failure, say a credentials URL, is not one).
 */
export class ListenError extends Error {
  constructor(override readonly cause: NodeJS.ErrnoException) {
    super(`listen failed: ${cause.message}`, { cause });
    this.name = 'ListenError';
  }
}

/**
 * The lines to print when start-up fails for a reason the user can fix (a setting, a login
 * file, a port), each naming the variable or file and the fix; `undefined` for anything else,
 * which is a bug and keeps its stack trace.
 */
export function describeStartupFailure(err: unknown, target?: ListenTarget): string[] | undefined {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ConfigValidationError) return e.message.split('\n');
    if (e instanceof CredentialSourceError) return [e.message];
    const listen = e instanceof ListenError && target ? listenFailure(e.cause, target) : undefined;
    if (listen) return [listen];
  }
  return undefined;
}

function listenFailure(err: NodeJS.ErrnoException, { host, port }: ListenTarget): string | undefined {
  const { code, syscall } = err;
  if (syscall !== 'listen' && syscall !== 'getaddrinfo') return undefined;
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} is in use (on ${host}; another gateway or demo still running?): stop that process, or set PORT to a free port, e.g. PORT=${port === 65535 ? port - 1 : port + 1}`;
    case 'EACCES':
      return `no permission to listen on port ${port}: ports below 1024 need privileges; set PORT=8000 (or any port from 1024 up)`;
    case 'EADDRNOTAVAIL':
      return `HOST=${host} is not an address of this machine: set HOST=0.0.0.0 (every interface) or HOST=127.0.0.1 (this machine only)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST=${host} cannot be resolved: set HOST to an address of this machine, such as 0.0.0.0 or 127.0.0.1`;
    default:
      return undefined;
  }
}
