import { Controller, Get, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import type Redis from 'ioredis';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService, type AuthStatus, ProxyKeyGuard, type ReadinessCheck } from '../auth';
import { APP_VERSION } from '../common/version';
import { AccountsService } from '../accounts';
import { RedisConnection } from '../redis/redis.module';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { UpstreamProbe, type UpstreamReachability } from './upstream-probe';

interface HealthDetails {
  status: 'healthy' | 'degraded';
  version: string;
  timestamp: string;
  uptimeSeconds: number;
  auth: AuthStatus;
  upstream: UpstreamReachability;
  /** The pooled accounts' states (KIRO_ACCOUNTS_FILE, or the one login), no secrets. */
  accounts: Array<{ name: string; state: string; inFlight: number }>;
}

interface Readiness {
  status: 'ready' | 'not_ready';
  checks?: Record<string, ReadinessCheck & { fallback?: string }>;
}

const REDIS_PING_TIMEOUT_MS = 500;

/**
 * Liveness and readiness for anyone (container and load-balancer probes), details for the
 * operator only (PROXY_API_KEY or ADMIN_API_KEY, not the client keys): the credential source (a
 * path on the host), token expiry, tenant count and the accounts are no client's business. Readiness reports cause codes, never an error's text.
 */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly auth: AuthService,
    private readonly upstream: UpstreamProbe,
    private readonly keys: ProxyKeyGuard,
    private readonly accounts: AccountsService,
    @Inject(RedisConnection) private readonly redis: Redis | null,
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Service identity' })
  @ApiOkResponse({ schema: { example: { name: 'kiro-gateway', version: APP_VERSION, status: 'ok', docs: '/docs' } } })
  root(): { name: string; version: string; status: 'ok'; docs: string } {
    return { name: 'kiro-gateway', version: APP_VERSION, status: 'ok', docs: '/docs' };
  }

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process serves requests', description: 'Always 200 while the process runs; for container health checks.' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({
    summary: 'Readiness: Kiro can be used',
    description:
      "200 when the gateway's Kiro credentials give a token (or it serves tenants only) and Kiro is reachable; 503 otherwise. " +
      'The checks, with cause codes, only with PROXY_API_KEY or ADMIN_API_KEY. Redis being down is reported (the gateway falls back to local state) but does not make it unready.',
  })
  async ready(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const [credentials, upstream, redis] = await Promise.all([this.auth.check(), this.upstream.check(), this.redisCheck()]);
    const accounts = this.accounts.check();
    const checks: Record<string, ReadinessCheck & { fallback?: string }> = {
      credentials,
      ...(this.config.accounts.file ? { accounts } : {}),
      upstream: upstream.reachable ? { ok: true } : { ok: false, cause: 'kiro_unreachable' },
      ...(redis ? { redis } : {}),
    };
    const ready = credentials.ok && accounts.ok && upstream.reachable;
    reply.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const status = ready ? 'ready' : 'not_ready';
    return this.keys.isOperator(request) ? { status, checks } : { status };
  }

  @Get('health')
  @ApiOperation({
    summary: 'Health: status; with PROXY_API_KEY or ADMIN_API_KEY, token state and upstream reachability',
    description: 'Always 200 while the process serves; `status` says whether Kiro can be used. Details only with PROXY_API_KEY or ADMIN_API_KEY (other client keys get the status alone).',
  })
  async health(@Req() request: FastifyRequest): Promise<HealthDetails | { status: 'healthy' | 'degraded' }> {
    const upstream = await this.upstream.check();
    const status = upstream.reachable ? 'healthy' : 'degraded';
    if (!this.keys.isOperator(request)) return { status };
    return {
      status,
      version: APP_VERSION,
      timestamp: new Date().toISOString(),
      uptimeSeconds: Math.round(process.uptime()),
      auth: this.auth.status(),
      upstream,
      accounts: this.accounts.list().map((account) => ({ name: account.name, state: account.state.kind, inFlight: account.inFlight })),
    };
  }

  /** Redis answers PING when it is configured; undefined when it is not. */
  private async redisCheck(): Promise<(ReadinessCheck & { fallback?: string }) | undefined> {
    if (!this.redis) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), REDIS_PING_TIMEOUT_MS);
      });
      const pong = await Promise.race([this.redis.ping(), timeout]);
      return pong === 'PONG' ? { ok: true } : { ok: false, cause: 'redis_unexpected_answer', fallback: 'local' };
    } catch (err) {
      return { ok: false, cause: (err as Error).message === 'timeout' ? 'redis_timeout' : 'redis_unreachable', fallback: 'local' };
    } finally {
      clearTimeout(timer);
    }
  }
}
