import { join } from 'node:path';

/** The console's files as served: the page, its script and its stylesheet. */
export interface ConsoleFiles {
  'index.html': Buffer;
  'app.js': Buffer;
  'app.css': Buffer;
}

/** Where the console's source lives (src/admin-console/ui). */
export const CONSOLE_SOURCE = join(__dirname, 'ui');

/**
 * Bundles the console (Preact + htm, our TypeScript) with esbuild into one minified script and
 * one stylesheet, from installed packages only. `npm run build` writes them to dist/admin-ui;
 * run from the TypeScript source (tests, `npm run demo`), the gateway bundles them in memory
 * at the first request for /admin. esbuild is a dev dependency: loaded only here.
 */
export async function buildConsole(sourceDir = CONSOLE_SOURCE): Promise<ConsoleFiles> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: { app: join(sourceDir, 'main.ts') },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
    write: false,
    outdir: '/admin-ui',
    logLevel: 'silent',
  });
  const file = (name: string) => {
    const found = result.outputFiles.find((output) => output.path === `/admin-ui/${name}`);
    if (!found) throw new Error(`esbuild produced no ${name}`);
    return Buffer.from(found.contents);
  };
  return { 'index.html': Buffer.from(CONSOLE_PAGE), 'app.js': file('app.js'), 'app.css': file('app.css') };
}

const CONSOLE_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Kiro Gateway — admin console</title>
    <link rel="stylesheet" href="/admin/assets/app.css" />
  </head>
  <body>
    <div id="app"></div>
    <script src="/admin/assets/app.js"></script>
  </body>
</html>
`;
