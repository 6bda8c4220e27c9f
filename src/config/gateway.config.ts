import { registerAs } from '@nestjs/config';
import { readEnvFile } from './env-file';
import { GatewayConfig, parseGatewayEnv } from './env.schema';

/** Parses the environment, which `ConfigModule` has merged `.env` into; throws listing every bad value. */
export const loadGatewayConfig = (): GatewayConfig => parseGatewayEnv(process.env, { envFile: readEnvFile() });

/**
 * The one typed configuration namespace. main.ts runs the same parse before Nest starts, so a
 * bad value stops start-up as plain lines before anything listens.
 */
export const gatewayConfig = registerAs('gateway', loadGatewayConfig);

export type { GatewayConfig } from './env.schema';
