import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { MetricsService } from '../metrics/metrics.service';

/** A running stream the gateway can end on shutdown. */
export interface ActiveStream {
  /** Ends the stream now: a final error event, then the end; aborts the upstream call. */
  terminate(reason: string): void;
}

/**
 * Graceful shutdown for streams. On SIGTERM the server stops accepting connections, running
 * streams get SHUTDOWN_GRACE_PERIOD to finish, and whatever is still running is then ended with
 * an error event (and its upstream request aborted) so that no client waits on a dead process.
 */
@Injectable()
export class ActiveStreams implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private readonly streams = new Set<ActiveStream>();
  /** Stream requests still waiting for Kiro's first bytes: no response has started yet. */
  private readonly starting = new Set<ActiveStream>();
  private readonly idleWaiters = new Set<() => void>();

  constructor(
    @Inject(gatewayConfig.KEY) private readonly config: GatewayConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  /** The first event of a stream reached the client: its time to first token. */
  firstEvent(route: string, model: string, startedAt: bigint): void {
    this.metrics.timeToFirstToken.observe({ route, model: this.metrics.modelLabel(model) }, Number(process.hrtime.bigint() - startedAt) / 1e9);
  }

  /** Registers a stream; call the returned function when it ends. */
  add(stream: ActiveStream): () => void {
    this.streams.add(stream);
    this.metrics.activeStreams.set(this.streams.size);
    return () => {
      this.streams.delete(stream);
      this.metrics.activeStreams.set(this.streams.size);
      this.wakeIfIdle();
    };
  }

  /** Registers a stream request that waits for Kiro's first bytes; shutdown waits for it too. */
  addStarting(stream: ActiveStream): () => void {
    this.starting.add(stream);
    return () => {
      this.starting.delete(stream);
      this.wakeIfIdle();
    };
  }

  private get running(): number {
    return this.streams.size + this.starting.size;
  }

  private wakeIfIdle(): void {
    if (this.running === 0) for (const wake of this.idleWaiters) wake();
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    // Stop accepting; requests already in progress carry on.
    if (server?.listening) server.close();
    const graceMs = this.config.server.shutdownGraceMs;
    // An operator who pressed Ctrl+C or ran `docker stop` should see what the wait is for.
    const cause = signal ? `${signal} received` : 'Shutting down';
    if (this.running === 0) {
      this.logger.log(`${cause}: no new connections; nothing running, stopping now`);
      return;
    }
    this.logger.log(
      `${cause}: no new connections; waiting up to ${graceMs / 1000} s (SHUTDOWN_GRACE_PERIOD) for ${this.running} running stream(s), then ending them`,
    );
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, graceMs);
      this.idleWaiters.add(done);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
    this.idleWaiters.clear();
    if (this.running > 0) {
      this.logger.warn(`Ending ${this.running} stream(s) still running after the grace period`);
      for (const stream of [...this.streams]) stream.terminate('The gateway is shutting down; the response was cut short.');
      for (const stream of [...this.starting]) stream.terminate('The gateway is shutting down; try the request again.');
    }
  }

  onApplicationShutdown(signal?: string): void {
    this.logger.log(`kiro-gateway stopped${signal ? ` (${signal})` : ''}`);
  }
}
