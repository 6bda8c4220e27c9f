import { APP_VERSION } from './common/version';
import { helpText, parseCommandLine } from './startup/command-line';

/**
 * The entry point (`node dist/main.js`, `npm start`, the Docker image). `--help` and `--version`
 * answer without loading Nest or the app; anything else is settings, read from the environment.
 */
function main(): void {
  // Only as the program itself: loaded by another program, the arguments are not ours.
  const command = require.main === module ? parseCommandLine(process.argv.slice(2)) : { kind: 'serve' as const };
  switch (command.kind) {
    case 'help':
      process.stdout.write(helpText(APP_VERSION));
      return;
    case 'version':
      process.stdout.write(`${APP_VERSION}\n`);
      return;
    case 'unknown':
      console.error(`kiro-gateway: unknown argument '${command.argument}'. Settings are environment variables; see --help.`);
      process.exitCode = 2;
      return;
    case 'serve': {
      // Loaded only to serve; `import()` would bypass ts-node's and jest's CommonJS loaders.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startGateway } = require('./bootstrap') as typeof import('./bootstrap');
      void startGateway();
    }
  }
}

main();
