import { Controller, Get } from '@nestjs/common';
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
  ) {}

  @Get()
  @ApiOperation({ summary: 'Service identity' })
  @ApiOkResponse({ schema: { example: { name: 'kiro-gateway', version: APP_VERSION, status: 'ok', docs: '/docs' } } })
  root(): { name: string; version: string; status: 'ok'; docs: string } {
    return { name: 'kiro-gateway', version: APP_VERSION, status: 'ok', docs: '/docs' };
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
