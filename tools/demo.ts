/**
 * `npm run demo`: the gateway in front of the built-in Kiro simulator, so a newcomer can curl it
 * with no Kiro account. The simulator is a test double: real use is `npm start`, which never
 * falls back to it.
 */
import { startGateway } from '../src/bootstrap';
import { DEMO_PROXY_API_KEY } from '../src/config/env.schema';
import { KiroSimulator, SIM_DIRECTIVE_HELP, SIM_DIRECTIVES } from '../test/simulator';

/** A second Kiro login the simulator accepts, to try multi-tenant calls (`Bearer KEY:TOKEN`). */
const DEMO_TENANT_REFRESH_TOKEN = 'demo-tenant-refresh-token';

async function main(): Promise<void> {
  const simulatorPort = process.env.DEMO_SIMULATOR_PORT ?? '0';
  const sim = await KiroSimulator.start({ port: Number(simulatorPort) }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    console.error(`kiro-gateway demo cannot start: DEMO_SIMULATOR_PORT=${simulatorPort} is in use: unset it (a free port is picked) or choose another`);
    process.exit(1);
  });
  sim.addRefreshToken(DEMO_TENANT_REFRESH_TOKEN);
  const port = process.env.PORT || '8000';
  const key = process.env.PROXY_API_KEY || DEMO_PROXY_API_KEY;
  // The demo's settings are the shell's and these, never a .env file: a developer's .env (real
  // credentials, FAKE_REASONING=false, a stray KIRO_GATEWAY_DEMO) cannot change the demo, and
  // everything that picks credentials, Kiro endpoints or shared state is set here (empty = unset).
  const env = {
    ...process.env,
    PORT: port,
    HOST: process.env.HOST || '127.0.0.1',
    ...sim.gatewayEnv(),
    KIRO_CREDS_FILE: '',
    KIRO_CLIENT_ID: '',
    KIRO_CLIENT_SECRET: '',
    PROFILE_ARN: '',
    REDIS_URL: '',
    // With ADMIN_API_KEY, the console's request log lasts as long as the demo unless a file is named.
    REQUEST_LOG_FILE: process.env.REQUEST_LOG_FILE || ':memory:',
  };
  await startGateway({ demo: { env } });
  await waitForHealth(`http://127.0.0.1:${port}/health/live`);

  const line = '─'.repeat(72);
  const usageWidth = Math.max(...SIM_DIRECTIVES.map((name) => SIM_DIRECTIVE_HELP[name].usage.length));
  const directives = SIM_DIRECTIVES.map((name) => `   ${SIM_DIRECTIVE_HELP[name].usage.padEnd(usageWidth)}  ${SIM_DIRECTIVE_HELP[name].summary}`).join('\n');
  console.log(`
${line}
 kiro-gateway demo: the gateway on http://localhost:${port}, answered by the
 built-in Kiro simulator at ${sim.url} (no Kiro account needed).

 Try it:
   curl http://localhost:${port}/v1/chat/completions \\
     -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\
     -d '{"model": "claude-sonnet-4.5", "messages": [{"role": "user", "content": "Hello!"}]}'

 Multi-tenant (a client's own Kiro login): -H "Authorization: Bearer ${key}:${DEMO_TENANT_REFRESH_TOKEN}"
 Add "stream": true for SSE. Put one of these in a message to see that path:
${directives}
 Docs: http://localhost:${port}/docs  and  http://localhost:${port}/redoc
 Stop with Ctrl+C.
${line}
`);

  // Ctrl+C: the gateway shuts down gracefully (running streams finish) and ends the process;
  // the simulator, in the same process, serves until then.
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The gateway did not answer ${url} within 30 s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
