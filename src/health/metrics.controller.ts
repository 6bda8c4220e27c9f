import { Controller, Get, Header, Inject, NotFoundException, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ProxyKeyGuard } from '../auth/proxy-key.guard';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { MetricsService } from '../metrics/metrics.service';

/**
 * Prometheus scrape endpoint on the API port, for PROXY_API_KEY or ADMIN_API_KEY only (Prometheus
 * sends it as `authorization: Bearer KEY`); other client keys get a 401, as without a key. With METRICS_PORT set it is served there instead, and is not here.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly keys: ProxyKeyGuard,
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  render(@Req() request: FastifyRequest): Promise<string> {
    if (this.config.metrics.port !== undefined) throw new NotFoundException('Cannot GET /metrics');
    this.keys.authenticateOperator(request);
    return this.metrics.render();
  }
}
