import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { OutboundDispatchers } from './outbound-dispatchers';

/** The one set of upstream connection pools (proxies included), for the Kiro client and the token refresher. */
@Global()
@Module({
  providers: [{ provide: OutboundDispatchers, inject: [gatewayConfig.KEY], useFactory: (config: GatewayConfig) => new OutboundDispatchers(config.outbound) }],
  exports: [OutboundDispatchers],
})
export class OutboundModule implements OnApplicationShutdown {
  constructor(@Inject(OutboundDispatchers) private readonly dispatchers: OutboundDispatchers) {}

  async onApplicationShutdown(): Promise<void> {
    await this.dispatchers.close();
  }
}
