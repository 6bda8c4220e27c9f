import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';

/** The shared Redis connection, or null when REDIS_URL is unset (everything stays in memory). */
export const RedisConnection = Symbol('RedisConnection');

@Global()
@Module({
  providers: [
    {
      provide: RedisConnection,
      inject: [gatewayConfig.KEY],
      useFactory: (config: GatewayConfig): Redis | null => {
        if (!config.redis.url) return null;
        const redis = new Redis(config.redis.url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
        const logger = new Logger('Redis');
        redis.on('error', (err: Error) => logger.warn(`Redis: ${err.message}`));
        return redis;
      },
    },
  ],
  exports: [RedisConnection],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(RedisConnection) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
