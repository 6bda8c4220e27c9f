import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { buildConsole, CONSOLE_SOURCE, type ConsoleFiles } from './console-build';

const gzipAsync = promisify(gzip);

export interface ConsoleAsset {
  identity: Buffer;
  gzip: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<keyof ConsoleFiles, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'application/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** dist/admin-ui, written by `npm run build` (this file then runs from dist/admin-console). */
export const BUILT_CONSOLE = join(__dirname, '..', 'admin-ui');

/**
 * The console's files, loaded once (and gzipped once, in the thread pool): from dist/admin-ui
 * when the gateway runs built, else bundled from the source (tests, the demo).
 */
export function loadConsoleAssets(builtDir = BUILT_CONSOLE, sourceDir = CONSOLE_SOURCE): Promise<Map<string, ConsoleAsset>> {
  return readConsole(builtDir, sourceDir).then(async (files) => {
    const assets = new Map<string, ConsoleAsset>();
    for (const name of Object.keys(files) as Array<keyof ConsoleFiles>) {
      assets.set(name, { identity: files[name], gzip: await gzipAsync(files[name], { level: 9 }), contentType: CONTENT_TYPES[name] });
    }
    return assets;
  });
}

async function readConsole(builtDir: string, sourceDir: string): Promise<ConsoleFiles> {
  if (existsSync(join(builtDir, 'app.js'))) {
    const [index, app, css] = await Promise.all(['index.html', 'app.js', 'app.css'].map((name) => readFile(join(builtDir, name))));
    return { 'index.html': index, 'app.js': app, 'app.css': css };
  }
  if (existsSync(join(sourceDir, 'main.ts'))) return buildConsole(sourceDir);
  throw new Error(`The admin console is not built: ${builtDir} is missing (run npm run build)`);
}
