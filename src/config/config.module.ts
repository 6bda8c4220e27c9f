import { type DynamicModule, Global, Module } from '@nestjs/common';
import { gatewayConfig, type GatewayConfig } from './gateway.config';

/** Provides the configuration parsed before start-up (see {@link gatewayConfig}) to every module. */
@Global()
@Module({})
export class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return { module: GatewayConfigModule, providers: [{ provide: gatewayConfig.KEY, useValue: config }], exports: [gatewayConfig.KEY] };
  }
}
