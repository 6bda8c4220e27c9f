import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * What only some deployments use is loaded only when used (issue 18): ioredis (~20 MB) without
 * REDIS_URL; and cl100k's tables (~45 MB) never: token counts are estimated. Checked in a fresh
 * process that loads every module of the app, as `node dist/main.js` does before listening, and
 * then counts a prompt and an answer as a request does.
 */
describe('lazily loaded packages (e2e)', () => {
  it('loads neither ioredis nor the tokenizer with the app modules, nor the tokenizer to count', () => {
    const script = `
      require('./src/app.module');
      const { countTokens, countConversationTokens } = require('./src/converter/token-counter');
      const { anthropicToConversation } = require('./src/converter');
      countTokens('An answer of a few words.');
      countConversationTokens(anthropicToConversation({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'Hello' }] }).conversation);
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
