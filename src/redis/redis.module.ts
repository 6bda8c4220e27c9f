import { type FactoryProvider, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Clock } from '../common/clock';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';

/** The shared Redis connection, or null when REDIS_URL is unset (everything stays in memory). */
export const RedisConnection = Symbol('RedisConnection');

/**
 * The one pattern for state that replicas share (rate-limit counts, token state, stored
 * responses): an interface with a same-name token, an implementation for one process and a
 * Redis one, picked here by whether REDIS_URL is set.
 */
export function storeProvider<T>(token: symbol, implementations: { memory: (clock: Clock) => T; redis: (redis: Redis) => T }): FactoryProvider<T> {
  return {
    provide: token,
    inject: [RedisConnection, Clock],
    useFactory: (redis: Redis | null, clock: Clock) => (redis ? implementations.redis(redis) : implementations.memory(clock)),
  };
}

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
