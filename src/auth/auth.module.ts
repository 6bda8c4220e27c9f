import { Module } from '@nestjs/common';
import { Clock, systemClock } from '../common/clock';
import { AuthService } from './auth.service';
import { CredentialStore } from './credential-store';
import { ProxyKeyGuard } from './proxy-key.guard';
import { HttpTokenRefresher, TokenRefresher } from './token-refresher';

@Module({
  providers: [
    AuthService,
    CredentialStore,
    ProxyKeyGuard,
    { provide: TokenRefresher, useClass: HttpTokenRefresher },
    { provide: Clock, useValue: systemClock },
  ],
  exports: [AuthService, ProxyKeyGuard],
})
export class AuthModule {}
