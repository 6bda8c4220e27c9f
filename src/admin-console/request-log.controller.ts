import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { RequiresAdminKey } from '../accounts/admin-key.guard';
import { InvalidRequestError, NotFoundError } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { DebugDumps, type DumpBodies } from '../debug/debug-dumps';
import type { RequestLogOverview, RequestLogQuery, StoredRequestLogEntry } from './request-log/request-log-entry';
import { RequestLogService } from './request-log/request-log.service';
import { MAX_PAGE } from './request-log/request-log-store';

const FILTERS = ['account', 'model', 'caller', 'route', 'errorKind'] as const;

/** A request's bodies, from its debug dump; or why there are none to show. */
export type RequestBodies =
  | ({ available: true; dump: string } & DumpBodies)
  | { available: false; reason: 'debug_off' | 'no_dump' | 'gone'; instance: string | null };

/** The request log and the overview charts drawn from it (the admin console reads these). */
@RequiresAdminKey()
@Controller('admin/api')
export class RequestLogController {
  constructor(
    private readonly log: RequestLogService,
    private readonly dumps: DebugDumps,
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
  ) {}

  @Get('requests')
  @ApiOperation({ summary: 'The request log', description: 'The last requests, newest first (by arrival time, then seq): caller, route, models, account and attempts, status, TTFT, duration, tokens, credits, error kind.' })
  @ApiQuery({ name: 'limit', required: false, example: 100 })
  @ApiQuery({ name: 'before', required: false, description: 'The next page: the entries after the one with this seq, in the log order (arrival time, then seq).' })
  @ApiQuery({ name: 'outcome', required: false, enum: ['ok', 'error'] })
  async list(@Query() query: Record<string, unknown>): Promise<{ object: 'list'; enabled: boolean; data: StoredRequestLogEntry[] }> {
    return { object: 'list', enabled: this.log.enabled, data: await this.log.list(parseQuery(query)) };
  }

  @Get('requests/:seq')
  @ApiOperation({ summary: 'One request of the log' })
  @ApiParam({ name: 'seq' })
  async get(@Param('seq') seq: string): Promise<StoredRequestLogEntry> {
    const entry = /^\d{1,15}$/.test(seq) ? await this.log.get(Number(seq)) : undefined;
    if (!entry) throw new NotFoundError(`No request numbered ${seq.slice(0, 20)} in the log`);
    return entry;
  }

  @Get('requests/by-id/:entryId/bodies')
  @ApiOperation({
    summary: "One request's bodies, from its debug dump",
    description: 'With DEBUG_MODE on, the client request and response of a logged request, read from its dump (each cut at 64 KB, secrets redacted as in the dump). The log itself never stores a body.',
  })
  @ApiParam({ name: 'entryId', description: "The entry's entryId (the same on every replica)." })
  async bodies(@Param('entryId') entryId: string): Promise<RequestBodies> {
    const entry = /^[0-9a-f-]{36}$/.test(entryId) ? await this.log.byEntryId(entryId) : undefined;
    if (!entry) throw new NotFoundError(`No request with the id ${entryId.slice(0, 40)} in the log`);
    const instance = entry.instance ?? null;
    if (!this.dumps.enabled) return { available: false, reason: 'debug_off', instance };
    if (!entry.dump) return { available: false, reason: 'no_dump', instance };
    const bodies = await this.dumps.bodies(entry.dump);
    // Pruned, or written on another replica's disk: its console has it, if kept.
    if (!bodies) return { available: false, reason: 'gone', instance: instance === this.config.instance ? null : instance };
    return { available: true, dump: entry.dump, ...bodies };
  }

  @Get('overview')
  @ApiOperation({ summary: 'Charts of the last hour or day', description: 'Requests, errors, tokens, credits and TTFT p50/p95 per minute (hour) or half hour (day), from the request log.' })
  @ApiQuery({ name: 'window', required: false, enum: ['hour', 'day'] })
  async overview(@Query('window') window: unknown): Promise<{ enabled: boolean; overview: RequestLogOverview | null }> {
    if (window !== undefined && window !== 'hour' && window !== 'day') throw new InvalidRequestError('window must be hour or day', 'window');
    return { enabled: this.log.enabled, overview: (await this.log.overview(window ?? 'hour')) ?? null };
  }
}

function parseQuery(raw: Record<string, unknown>): RequestLogQuery {
  const query: RequestLogQuery = { limit: 100 };
  if (raw.limit !== undefined) query.limit = integer(raw.limit, 'limit', 1, MAX_PAGE);
  if (raw.before !== undefined) query.before = integer(raw.before, 'before', 1, Number.MAX_SAFE_INTEGER);
  if (raw.outcome !== undefined) {
    if (raw.outcome !== 'ok' && raw.outcome !== 'error') throw new InvalidRequestError('outcome must be ok or error', 'outcome');
    query.outcome = raw.outcome;
  }
  for (const name of FILTERS) {
    const value = raw[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || value.length > 200) throw new InvalidRequestError(`${name} must be one text of at most 200 characters`, name);
    query[name] = value;
  }
  return query;
}

function integer(value: unknown, name: string, min: number, max: number): number {
  const parsed = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) throw new InvalidRequestError(`${name} must be a whole number from ${min} to ${max}`, name);
  return parsed;
}
