import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import type { RawEnv } from './env.schema';

/**
 * The `.env` file in the working directory, which `npm start` reads under the environment (never
 * over a variable already set). Tests describe their whole environment and skip it; so does the
 * demo, which is configured by its own code only.
 */
export const ENV_FILE_PATH = '.env';
export const ignoreEnvFile = (env: RawEnv = process.env): boolean => env.NODE_ENV === 'test';

/** The values the `.env` file holds; undefined without one. */
export function readEnvFile(env: RawEnv = process.env): RawEnv | undefined {
  if (ignoreEnvFile(env) || !existsSync(ENV_FILE_PATH)) return undefined;
  try {
    return parse(readFileSync(ENV_FILE_PATH));
  } catch {
    return undefined;
  }
}
