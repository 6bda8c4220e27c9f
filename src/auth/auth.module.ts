import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { TenantGate } from './tenant-gate';
import { AuthService } from './auth.service';
import { CredentialStore } from './credential-store';
import { ProxyKeyGuard } from './proxy-key.guard';
import { storeProvider } from '../redis/redis.module';
import { RedisSharedTokenStore } from '../redis/redis-shared-token-store';
import { ProcessLocalTokenStore, SharedTokenStore } from './shared-token-store';
import { HttpTokenRefresher, TokenRefresher } from './token-refresher';

@Module({
  providers: [
    AuthService,
    CredentialStore,
    ProxyKeyGuard,
    {
      provide: AuthFailureThrottle,
      inject: [gatewayConfig.KEY, Clock],
      useFactory: (config: GatewayConfig, clock: Clock) => new AuthFailureThrottle(config.security.authFailureLimit, () => clock.now()),
    },
    {
      provide: TenantGate,
      inject: [gatewayConfig.KEY, Clock],
      useFactory: (config: GatewayConfig, clock: Clock) => new TenantGate(config.security.newTenantsPerIpPerHour, () => clock.now()),
    },
    { provide: TokenRefresher, useClass: HttpTokenRefresher },
    storeProvider<SharedTokenStore>(SharedTokenStore, { memory: () => new ProcessLocalTokenStore(), redis: (redis) => new RedisSharedTokenStore(redis) }),
  ],
  // The account pool builds its accounts' token managers from the same refresher, store and shared state.
  exports: [AuthService, ProxyKeyGuard, AuthFailureThrottle, TenantGate, TokenRefresher, CredentialStore, SharedTokenStore],
})
export class AuthModule {}
