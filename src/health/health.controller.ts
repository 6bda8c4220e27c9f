import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisConnection } from '../redis/redis.module';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService, type AuthStatus } from '../auth';
import { APP_VERSION } from '../common/version';
import { UpstreamProbe, type UpstreamReachability } from './upstream-probe';

interface HealthBody {
  status: 'healthy' | 'degraded';
  version: string;
  timestamp: string;
  uptimeSeconds: number;
  auth: AuthStatus;
  upstream: UpstreamReachability;
}

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly auth: AuthService,
    private readonly upstream: UpstreamProbe,
    @Inject(RedisConnection) private readonly redis: Redis | null,
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
    description: 'Answers 200 when the gateway\'s Kiro credentials give a token (or it serves tenants only) and Kiro is reachable; 503 otherwise.',
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<{ status: 'ready' | 'not_ready'; checks: Record<string, { ok: boolean; detail?: string }> }> {
    const [credentials, upstream, redis] = await Promise.all([this.auth.check(), this.upstream.check(), this.redisCheck()]);
    const checks: Record<string, { ok: boolean; detail?: string }> = {
      credentials,
      upstream: { ok: upstream.reachable, ...(upstream.error ? { detail: upstream.error } : {}) },
      ...(redis ? { redis } : {}),
    };
    const ready = Object.values(checks).every((check) => check.ok);
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'not_ready', checks };
  }

  /** Redis answers PING when it is configured; undefined when it is not. */
  private async redisCheck(): Promise<{ ok: boolean; detail?: string } | undefined> {
    if (!this.redis) return undefined;
    try {
      const pong = await Promise.race([this.redis.ping(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref())]);
      return { ok: pong === 'PONG' };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  @Get('health')
  @ApiOperation({ summary: 'Health: token state and upstream reachability', description: 'Always 200 while the process serves; `status` says whether Kiro can be used.' })
  async health(): Promise<HealthBody> {
    const auth = this.auth.status();
    const upstream = await this.upstream.check();
    return {
      status: upstream.reachable ? 'healthy' : 'degraded',
      version: APP_VERSION,
      timestamp: new Date().toISOString(),
      uptimeSeconds: Math.round(process.uptime()),
      auth,
      upstream,
    };
  }
}
