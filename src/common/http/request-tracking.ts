import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { DebugDumps, DebugRecording } from '../../debug/debug-dumps';
import type { MetricsService } from '../../metrics/metrics.service';
import { isLoggedPath, requestLogEntry, type RequestLogSink } from '../../admin-console/request-log/request-log-sink';
import { attachRequestContext, RequestContext } from '../request-context';
import { requestPath } from './request-path';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's {@link RequestContext}, X-Request-ID (echoed when the client sent a sane one, else
 * generated), X-Process-Time (time to the response headers) and one log line per request once the
 * response has ended. The first request hook, not an interceptor: it must also cover requests
 * that a guard or the body reader refuses or no route matches, and a stream's timing ends when
 * the stream ends, not when the handler returns. Headers go on the raw response, so that a
 * stream (written past Fastify) carries them as well as a reply Fastify sends.
 */
export class RequestTracking {
  private readonly logger = new Logger('HTTP');

  constructor(
    private readonly metrics: MetricsService,
    private readonly debugDumps: DebugDumps,
    private readonly knownSecrets: readonly string[],
    /** Which of `log`/`warn` LOG_LEVEL lets through: nothing is built for a line never written. */
    private readonly logLevels: ReadonlyArray<'log' | 'warn'>,
    /** The admin console's request log, when it is kept (ADMIN_API_KEY). */
    private readonly requestLog?: RequestLogSink,
  ) {}

  track(request: FastifyRequest, reply: FastifyReply): RequestContext {
    const response = reply.raw;
    const path = requestPath(request.url);
    const started = process.hrtime.bigint();
    const arrivedAt = Date.now();
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    response.setHeader('X-Request-ID', requestId);
    // Anthropic's SDKs read the id from `request-id`.
    response.setHeader('request-id', requestId);

    const writeHead = response.writeHead;
    response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      if (!this.headersSent) this.setHeader('X-Process-Time', elapsedSeconds(started).toFixed(4));
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse['writeHead'];

    // Only the API routes are dumped: the admin API's bodies hold created key secrets and Kiro
    // API keys, and health, metrics and docs hold nothing worth a dump.
    // Secrets are gathered only when a dump is recorded: this runs on every request.
    const recording = this.debugDumps.enabled && isLoggedPath(path) ? this.debugDumps.start(requestId, () => [...this.knownSecrets, ...presentedCredentials(request)]) : undefined;
    if (recording) teeResponse(response, recording);
    const context = new RequestContext(requestId, started, recording);
    attachRequestContext(request, context);

    let logged = false;
    const log = (outcome: 'finished' | 'client closed') => {
      if (logged) return;
      logged = true;
      const line = {
        requestId,
        method: request.method,
        path,
        status: response.statusCode,
        durationMs: Math.round(elapsedSeconds(started) * 1000),
        ...(outcome === 'client closed' ? { outcome } : {}),
        ...(context.generation ? { model: context.generation.model, stream: context.generation.stream } : {}),
      };
      this.record(request, context, line.status, elapsedSeconds(started));
      let dump: string | undefined;
      if (recording) {
        recording.clientRequest(request.method, request.url, request.body);
        dump = recording.finish(line.status);
      }
      if (this.requestLog?.enabled && isLoggedPath(line.path)) {
        const entry = requestLogEntry({ context, arrivedAt, method: line.method, route: routePattern(request) ?? line.path, status: line.status, clientClosed: outcome === 'client closed', durationMs: line.durationMs });
        // The log names the dump (its bodies are read from there, redacted as written); it never holds a body.
        this.requestLog.record(dump ? { ...entry, dump } : entry);
      }
      const level = response.statusCode >= 500 ? 'warn' : 'log';
      if (!this.logLevels.includes(level)) return;
      const summary = { msg: `${line.method} ${line.path} ${line.status} ${line.durationMs}ms`, ...line };
      if (level === 'warn') this.logger.warn(summary);
      else this.logger.log(summary);
    };
    response.once('finish', () => log('finished'));
    response.once('close', () => log(response.writableFinished ? 'finished' : 'client closed'));
    return context;
  }

  private record(request: FastifyRequest, context: RequestContext, status: number, seconds: number): void {
    // The route pattern, never the raw path: ids in paths would explode the label set.
    const route = routePattern(request) ?? 'unmatched';
    const principal = context.principal;
    const labels = { route, method: request.method, status: String(status) };
    this.metrics.requests.inc({
      ...labels,
      model: this.metrics.modelLabel(context.generation?.model),
      principal: this.metrics.principalLabel(principal ?? { kind: 'gateway' }),
    });
    this.metrics.requestDuration.observe(labels, seconds);
  }
}

/** The proxy key and any tenant refresh token the client presented: never written to a dump. */
function presentedCredentials(request: FastifyRequest): string[] {
  const raw = [request.headers.authorization, request.headers['x-api-key']].flat().filter((v): v is string => typeof v === 'string');
  return raw.flatMap((value) => {
    const credential = value.replace(/^Bearer\s+/i, '').trim();
    return [credential, ...credential.split(':')].filter((part) => part.length >= 4);
  });
}

/** Copies what is written to the client into the debug recording. */
function teeResponse(response: ServerResponse, recording: DebugRecording): void {
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    recording.clientResponseChunk(chunk);
    return write(chunk, ...rest);
  }) as ServerResponse['write'];
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (chunk !== undefined && typeof chunk !== 'function') recording.clientResponseChunk(chunk);
    return end(chunk, ...rest);
  }) as ServerResponse['end'];
}

/** The matched route's pattern (`/v1/responses/:id`); none for a request no route matched. */
export function routePattern(request: FastifyRequest): string | undefined {
  return request.is404 ? undefined : request.routeOptions.url;
}

function elapsedSeconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
