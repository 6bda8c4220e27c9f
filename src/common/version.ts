import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package version, read once; the same file answers from src/ (ts) and dist/ (js). */
export const APP_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
