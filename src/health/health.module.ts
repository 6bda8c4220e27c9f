import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { AuthModule } from '../auth';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { UpstreamProbe } from './upstream-probe';

/** The operations endpoints: root, liveness, readiness, health details and /metrics (key-guarded). */
@Module({ imports: [AuthModule, AccountsModule], controllers: [HealthController, MetricsController], providers: [UpstreamProbe] })
export class HealthModule {}
