import { Module } from '@nestjs/common';
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
    { provide: TokenRefresher, useClass: HttpTokenRefresher },
    storeProvider<SharedTokenStore>(SharedTokenStore, { memory: () => new ProcessLocalTokenStore(), redis: (redis) => new RedisSharedTokenStore(redis) }),
  ],
  exports: [AuthService, ProxyKeyGuard],
})
export class AuthModule {}
