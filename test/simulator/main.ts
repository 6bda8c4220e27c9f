import { DEFAULT_SIM_OIDC_CLIENT, KiroSimulator } from './kiro-simulator';
import { SIM_DIRECTIVES } from './directives';

/**
 * Standalone runner for manual testing and the demo:
 *   npx ts-node --transpile-only test/simulator/main.ts [--port N] [--quiet]
 */

function readPort(argv: readonly string[]): number {
  const inline = argv.find((arg) => arg.startsWith('--port='));
  const value = inline ? inline.slice('--port='.length) : argv[argv.indexOf('--port') + 1];
  if (!inline && !argv.includes('--port')) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port needs an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quiet = argv.includes('--quiet');
  const sim = await KiroSimulator.start({
    port: readPort(argv),
    log: quiet ? undefined : (line) => console.log(`[sim] ${line}`),
  });

  console.log(`Kiro simulator listening on ${sim.url}`);
  console.log('Environment for a gateway:');
  for (const [name, value] of Object.entries(sim.gatewayEnv())) console.log(`  ${name}=${value}`);
  console.log(`OIDC client: clientId=${DEFAULT_SIM_OIDC_CLIENT.clientId} clientSecret=${DEFAULT_SIM_OIDC_CLIENT.clientSecret}`);
  console.log(`Directives in a message: ${SIM_DIRECTIVES.map((d) => `[sim:${d}]`).join(' ')}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing the simulator`);
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
