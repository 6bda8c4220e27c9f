import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { envelope } from '../common/errors';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { MetricsService } from './metrics.service';

/**
 * With METRICS_PORT, /metrics on a port of its own, without the key: for a scrape network that
 * the API port's clients do not reach. It answers nothing else, and reads no request body.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metrics.port;
    if (port === undefined) return;
    const server = createServer((request, response) => {
      if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
        this.metrics.render().then(
          (text) => response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
          () => response.writeHead(500).end(),
        );
        return;
      }
      response.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify(envelope('Only GET /metrics is served on this port.', 'invalid_request_error', null, 'not_found')));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.server.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics on ${this.config.server.host}:${(server.address() as AddressInfo).port}/metrics (no key: keep this port internal)`);
  }

  /** Where it listens (METRICS_PORT=0 picks a free port), or undefined without METRICS_PORT. */
  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
