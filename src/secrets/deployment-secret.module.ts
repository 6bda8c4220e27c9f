import { Global, Logger, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { gatewayConfig, type GatewayConfig } from '../config/gateway.config';
import { RedisConnection } from '../redis/redis.module';
import { DeploymentSecret } from './deployment-secret';

/** Where replicas sharing Redis keep the secret the first of them made. */
export const SHARED_SECRET_KEY = 'kiro-gateway:deployment-secret';

/**
 * GATEWAY_SECRET when set; otherwise the one in Redis (the first replica's random secret wins, the
 * others adopt it, so any replica can open what another sealed); without Redis, random for this
 * process (sealed reasoning then lasts as long as the process).
 */
export async function resolveDeploymentSecret(config: GatewayConfig, redis: Redis | null, logger = new Logger('DeploymentSecret')): Promise<DeploymentSecret> {
  const configured = config.security.deploymentSecret;
  if (configured !== undefined) return DeploymentSecret.of(configured, 'GATEWAY_SECRET');
  if (!redis) return DeploymentSecret.random();
  const mine = DeploymentSecret.randomText();
  try {
    await redis.set(SHARED_SECRET_KEY, mine, 'NX');
    const shared = await redis.get(SHARED_SECRET_KEY);
    if (shared) return DeploymentSecret.of(shared, 'Redis');
  } catch (err) {
    logger.warn(`Could not share the deployment secret through Redis; this replica's is its own (metrics labels and sealed reasoning differ from the others'; set GATEWAY_SECRET): ${(err as Error).message}`);
  }
  return DeploymentSecret.of(mine, 'this process');
}

@Global()
@Module({
  providers: [
    {
      provide: DeploymentSecret,
      inject: [gatewayConfig.KEY, RedisConnection],
      useFactory: (config: GatewayConfig, redis: Redis | null) => resolveDeploymentSecret(config, redis),
    },
  ],
  exports: [DeploymentSecret],
})
export class DeploymentSecretModule {}
