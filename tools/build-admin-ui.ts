/**
 * `npm run build`'s second step: the admin console bundled into dist/admin-ui (served from
 * there by the built gateway; see src/admin-console/console-build.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsole } from '../src/admin-console/console-build';

async function main(): Promise<void> {
  const out = join(__dirname, '..', 'dist', 'admin-ui');
  const files = await buildConsole();
  mkdirSync(out, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(out, name), content);
  console.log(`admin console: ${Object.entries(files).map(([name, content]) => `${name} ${(content.length / 1024).toFixed(1)} KB`).join(', ')} → dist/admin-ui`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
