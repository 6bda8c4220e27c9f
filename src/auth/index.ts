export { AuthModule } from './auth.module';
export { AuthService, type AuthStatus, type ReadinessCheck } from './auth.service';
export { ProxyKeyGuard, RequiresProxyKey, CurrentPrincipal } from './proxy-key.guard';
export type { Principal } from './principal';
