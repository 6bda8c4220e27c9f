import { Global, Module } from '@nestjs/common';
import { MetricsServer } from './metrics-server';
import { MetricsService } from './metrics.service';

/** The metrics registry for every module, and the METRICS_PORT listener; GET /metrics on the API port is in HealthModule. */
@Global()
@Module({ providers: [MetricsService, MetricsServer], exports: [MetricsService, MetricsServer] })
export class MetricsModule {}
