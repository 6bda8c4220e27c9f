import { Module } from '@nestjs/common';
import { AuthModule } from '../auth';
import { HealthController } from './health.controller';
import { UpstreamProbe } from './upstream-probe';

@Module({ imports: [AuthModule], controllers: [HealthController], providers: [UpstreamProbe] })
export class HealthModule {}
