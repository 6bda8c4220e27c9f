import { Module } from '@nestjs/common';
import { AuthService } from './auth.service';
import { CredentialStore } from './credential-store';
import { ProxyKeyGuard } from './proxy-key.guard';
import type Redis from 'ioredis';
import { RedisConnection } from '../redis/redis.module';
import { RedisSharedTokenStore } from '../redis/redis-shared-token-store';
import { SharedTokenStore } from './shared-token-store';
import { HttpTokenRefresher, TokenRefresher } from './token-refresher';

@Module({
  providers: [
    AuthService,
    CredentialStore,
    ProxyKeyGuard,
    { provide: TokenRefresher, useClass: HttpTokenRefresher },
    {
      provide: SharedTokenStore,
      inject: [RedisConnection],
      useFactory: (redis: Redis | null) => (redis ? new RedisSharedTokenStore(redis) : null),
    },
  ],
  exports: [AuthService, ProxyKeyGuard],
})
export class AuthModule {}
