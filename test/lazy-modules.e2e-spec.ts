import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * What only some deployments use is loaded only when used (issue 18): ioredis (~20 MB) without
 * REDIS_URL, cl100k's tables (~35 MB) until a count needs them. Checked in a fresh process that
 * loads every module of the app, as `node dist/main.js` does before listening.
 */
describe('lazily loaded packages (e2e)', () => {
  it('loads neither ioredis nor the tokenizer with the app modules', () => {
    const script = `
      require('./src/app.module');
      const loaded = Object.keys(require.cache);
      console.log(JSON.stringify({
        ioredis: loaded.some((path) => path.includes('/node_modules/ioredis/')),
        tokenizer: loaded.some((path) => path.includes('/node_modules/gpt-tokenizer/')),
        nest: loaded.some((path) => path.includes('/node_modules/@nestjs/core/')),
      }));`;
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8', timeout: 60_000 });

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}')).toEqual({ ioredis: false, tokenizer: false, nest: true });
  }, 90_000);
});
