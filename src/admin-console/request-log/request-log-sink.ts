import type { Principal } from '../../auth/principal';
import { kindForStatus } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { DEFAULT_KEY_NAME } from '../../client-keys/client-key';
import type { CallerKind, RequestLogEntry } from './request-log-entry';

/** Where the request-tracking middleware hands each API request once its response has ended. */
export interface RequestLogSink {
  /** False while no log is kept (then no entry is even built). */
  readonly enabled: boolean;
  record(entry: RequestLogEntry): void;
}

/** Error messages are kept this long at most (they come from the gateway or, redacted, from Kiro). */
const MAX_ERROR_MESSAGE = 500;

/** Only the API routes are logged: not health probes, metrics, docs or the console itself. */
export function isLoggedPath(path: string): boolean {
  return path.startsWith('/v1/');
}

export interface FinishedRequest {
  context: RequestContext;
  /** Epoch ms the request arrived (the context's start is a monotonic clock). */
  arrivedAt: number;
  method: string;
  route: string;
  status: number;
  clientClosed: boolean;
  durationMs: number;
}

/** One log entry from a request whose response has ended. */
export function requestLogEntry({ context, arrivedAt, method, route, status, clientClosed, durationMs }: FinishedRequest): RequestLogEntry {
  const served = context.served;
  const { kind, name } = callerOf(context.principal);
  return {
    requestId: context.requestId,
    at: arrivedAt,
    method,
    route: route.slice(0, 200),
    status,
    clientClosed,
    durationMs,
    ttftMs: served.firstContentAt === undefined ? null : Math.round(Number(served.firstContentAt - context.startedAt) / 1e6),
    callerKind: kind,
    caller: name,
    modelAsked: context.generation?.model ?? null,
    modelUsed: served.kiroModel ?? null,
    stream: context.generation?.stream ?? null,
    account: served.attempts.at(-1) ?? null,
    attempts: [...served.attempts],
    inputTokens: served.inputTokens ?? null,
    outputTokens: served.outputTokens ?? null,
    cachedTokens: served.cachedTokens ?? null,
    credits: served.credits === undefined ? null : Math.round(served.credits * 1e6) / 1e6,
    errorKind: served.errorKind ?? (status >= 400 ? kindForStatus(status) : null),
    errorMessage: served.errorMessage === undefined ? null : served.errorMessage.slice(0, MAX_ERROR_MESSAGE),
  };
}

/**
 * A client key by its name (never the key or its hash); a tenant by a prefix of its token's
 * SHA-256 (never the token): enough to tell tenants apart, whichever key they came with.
 */
function callerOf(principal: Principal | undefined): { kind: CallerKind; name: string | null } {
  if (!principal) return { kind: 'none', name: null };
  if (principal.kind === 'gateway') return { kind: 'key', name: principal.key?.name ?? DEFAULT_KEY_NAME };
  return { kind: 'tenant', name: `tenant:${principal.tokenHash.slice(0, 12)}` };
}
