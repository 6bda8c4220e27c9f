import { registerAs } from '@nestjs/config';
import { GatewayConfig, parseGatewayEnv } from './env.schema';

/**
 * The one typed configuration namespace. `ConfigModule` has already merged `.env` into
 * `process.env` when this factory runs; the parse throws naming the bad variable, which stops
 * start-up before anything listens.
 */
export const gatewayConfig = registerAs('gateway', (): GatewayConfig => parseGatewayEnv(process.env));

export type { GatewayConfig } from './env.schema';
