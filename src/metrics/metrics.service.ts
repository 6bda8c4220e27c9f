import { Injectable, Optional } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Principal } from '../auth/principal';
import { DeploymentSecret } from '../secrets/deployment-secret';

/**
 * The gateway's Prometheus metrics, in a registry of its own (not prom-client's global one).
 * Labels never carry secrets: a tenant appears as an HMAC of its token hash under a key of this
 * deployment's secret (GATEWAY_SECRET, else one shared through Redis so replicas agree, else
 * random at start), never as a bare hash anyone holding the token could compute or look up.
 */
/** The name of the deployment secret's key for tenant labels. */
export const METRICS_LABEL_KEY_USE = 'metrics tenant labels';

@Injectable()
export class MetricsService {
  private readonly labelKey: Buffer;

  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'kiro_gateway_http_requests_total',
    help: 'HTTP requests by route, method, status, model and principal (gateway or tenant label).',
    labelNames: ['route', 'method', 'status', 'model', 'principal'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'kiro_gateway_http_request_duration_seconds',
    help: 'Time from request to the end of the response (streams included).',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  readonly timeToFirstToken = new Histogram({
    name: 'kiro_gateway_time_to_first_token_seconds',
    help: 'Time from request to the first streamed event.',
    labelNames: ['route', 'model'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  readonly activeStreams = new Gauge({
    name: 'kiro_gateway_active_streams',
    help: 'Streams being written to clients right now.',
    registers: [this.registry],
  });

  readonly upstreamErrors = new Counter({
    name: 'kiro_gateway_upstream_errors_total',
    help: 'Failed Kiro calls (each attempt) by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly streamErrors = new Counter({
    name: 'kiro_gateway_stream_errors_total',
    help: 'Responses that failed after Kiro started answering (their error event or status reached the client), by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly streamRecoveries = new Counter({
    name: 'kiro_gateway_stream_recoveries_total',
    help: 'Kiro failures absorbed inside one response: "retry" before anything was sent, "resume" after, "tool_call" a call Kiro cut off asked for again.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly upstreamRetries = new Counter({
    name: 'kiro_gateway_upstream_retries_total',
    help: 'Retried Kiro calls by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly tokenRefreshes = new Counter({
    name: 'kiro_gateway_token_refreshes_total',
    help: 'Kiro token refreshes by flow and outcome.',
    labelNames: ['flow', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly toolCallsCut = new Counter({
    name: 'kiro_gateway_tool_calls_cut_total',
    help: 'Tool calls Kiro cut off mid-arguments: left out; asked for again (TOOL_CALL_RECOVERY), else the turn ended as max_tokens / length / incomplete.',
    registers: [this.registry],
  });

  readonly toolCallRecoveries = new Counter({
    name: 'kiro_gateway_tool_call_recoveries_total',
    help: 'Cut-off tool calls asked for again (TOOL_CALL_RECOVERY), by outcome: "recovered" (a whole call came), "cut_again", "no_call", "failed".',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webSearches = new Counter({
    name: 'kiro_gateway_web_searches_total',
    help: "Web searches the gateway ran through Kiro's MCP endpoint for clients' web search tools (each once, whichever account ran it).",
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'kiro_gateway_rate_limit_rejections_total',
    help: 'Requests refused by RATE_LIMIT_PER_MINUTE, by principal (gateway or tenant label).',
    labelNames: ['principal'] as const,
    registers: [this.registry],
  });

  readonly debugDumpsDropped = new Counter({
    name: 'kiro_gateway_debug_dumps_dropped_total',
    help: 'Debug dumps not written because too many were already waiting (DEBUG_MODE).',
    registers: [this.registry],
  });

  readonly alerts = new Counter({
    name: 'kiro_gateway_alerts_total',
    help: 'Alerts by kind and outcome: delivered, failed (after its one retry), dropped (queue full), deduplicated (sent within ALERT_INTERVAL), not_configured (no webhook).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly models = new BoundedLabel(64, 'other');
  private readonly principals = new BoundedLabel(256, 'tenant-other');

  /** `secret`: the deployment's (DeploymentSecretModule); a random one when none is given (unit tests). */
  constructor(@Optional() secret?: DeploymentSecret) {
    this.labelKey = (secret ?? DeploymentSecret.random()).key(METRICS_LABEL_KEY_USE);
    collectDefaultMetrics({ register: this.registry, prefix: 'kiro_gateway_' });
  }

  /** A model name as a label: clients choose it, so its values are bounded. */
  modelLabel(model: unknown): string {
    return typeof model === 'string' && model ? this.models.label(model) : '';
  }

  /** `gateway` or a tenant's label; anyone with the key can mint tenants, so they are bounded too. */
  principalLabel(principal: Principal): string {
    if (principal.kind === 'gateway') return 'gateway';
    return this.principals.label(createHmac('sha256', this.labelKey).update(principal.tokenHash).digest('hex').slice(0, 12));
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * Label values chosen by clients (model names, tenants) would grow the series set without
 * bound: the first `limit` sane values are kept, the rest share one fallback value.
 */
class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly fallback: string,
  ) {}

  label(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.limit || !/^[\w.:\-[\]]{1,64}$/.test(value)) return this.fallback;
    this.seen.add(value);
    return value;
  }
}
