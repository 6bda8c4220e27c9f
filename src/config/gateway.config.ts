import { readEnvFile } from './env-file';
import { type GatewayConfig, parseGatewayEnv, type RawEnv } from './env.schema';

/**
 * The DI token of the one typed configuration. It is parsed once, before Nest starts (bootstrap.ts,
 * the tests' harness), and handed to {@link GatewayConfigModule} as a value: a bad value stops
 * start-up as plain lines before anything listens, and nothing parses it a second time.
 */
export const gatewayConfig = { KEY: 'GATEWAY_CONFIG' } as const;

/**
 * `npm start`'s configuration: the environment over the `.env` file in the working directory (a
 * variable already set wins, as dotenv has it); throws listing every bad value.
 */
export function loadGatewayConfig(env: RawEnv = process.env, envFile: RawEnv | undefined = readEnvFile(env)): GatewayConfig {
  return parseGatewayEnv({ ...envFile, ...env }, { envFile });
}

export type { GatewayConfig } from './env.schema';
