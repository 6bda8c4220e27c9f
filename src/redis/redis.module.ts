import { type FactoryProvider, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
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

/** Start-up waits this long for Redis, so the first requests share state; then goes on without it. */
async function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}

@Global()
@Module({
  providers: [
    {
      provide: RedisConnection,
      inject: [gatewayConfig.KEY],
      useFactory: async (config: GatewayConfig): Promise<Redis | null> => {
        if (!config.redis.url) return null;
        // Loaded only here: ioredis costs ~20 MB of memory that a single replica never needs.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { default: RedisClient } = require('ioredis') as typeof import('ioredis');
        // Every caller has a local fallback (counts, refreshes) or a clear 503 (stored responses), so
        // a command fails fast instead of waiting: none queued while disconnected, none longer than
        // REDIS_COMMAND_TIMEOUT. Reconnection goes on in the background.
        const redis = new RedisClient(config.redis.url, {
          lazyConnect: false,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: config.redis.commandTimeoutMs,
          connectTimeout: 2_000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
        });
        const logger = new Logger('Redis');
        let lastWarning = 0;
        redis.on('error', (err: Error) => {
          // Once per ten seconds, not once per reconnection attempt.
          if (Date.now() - lastWarning < 10_000) return;
          lastWarning = Date.now();
          logger.warn(`Redis: ${err.message} (falling back to local state while it is down)`);
        });
        await waitUntilReady(redis, 2_000);
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
