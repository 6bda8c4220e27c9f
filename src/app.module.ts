import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth';
import { ChatModule } from './chat/chat.module';
import { ClientKeysModule } from './client-keys/client-keys.module';
import { ClockModule } from './common/clock.module';
import { JsonBodyModule } from './common/http/json-body.guard';
import { GatewayConfigModule } from './config/config.module';
import type { GatewayConfig } from './config/gateway.config';
import { ConverterModule } from './converter';
import { DebugModule } from './debug/debug.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics';
import { RateLimitModule } from './rate-limit';
import { RedisModule } from './redis/redis.module';
import { DeploymentSecretModule } from './secrets';
import { MessagesModule } from './messages/messages.module';
import { ResponsesModule } from './responses/responses.module';
import { KiroClientModule } from './kiro';
import { ModelsModule } from './models';
import { AccountsModule } from './accounts';
import { AdminConsoleModule } from './admin-console/admin-console.module';
import { AlertsModule } from './alerts/alerts.module';
import { OutboundModule } from './outbound/outbound.module';

@Module({
  imports: [ClockModule, JsonBodyModule, RedisModule, DeploymentSecretModule, OutboundModule, MetricsModule, DebugModule, RateLimitModule, ClientKeysModule, AuthModule, KiroClientModule, AlertsModule, AccountsModule, AdminConsoleModule, ConverterModule, ChatModule, MessagesModule, ResponsesModule, ModelsModule, HealthModule],
})
export class AppModule {
  /** The app on a configuration parsed once, before Nest starts (bootstrap.ts, the tests' harness). */
  static forRoot(config: GatewayConfig): DynamicModule {
    return { module: AppModule, imports: [GatewayConfigModule.forRoot(config)] };
  }
}
