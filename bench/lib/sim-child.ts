import { KiroSimulator, type SimFaultKind, type SimulatorOptions } from '../../test/simulator';
import { buildScenarios, type BenchScenarioConfig, type ScenarioName } from './scenarios';

/**
 * The Kiro simulator in its own process (forked by bench/run.ts), so that writing frames never
 * runs on the load generator's event loop and never skews its timestamps.
 *
 * IPC in:  {type: 'scenario', name, id} | {type: 'stats', id} | {type: 'guard' | 'unguard', pid}
 * IPC out: {type: 'ready', url, env} | {type: 'ack', id, stats?}
 *
 * 'guard' names a process (the gateway) that this child kills if the benchmark itself dies
 * without cleaning up (the IPC channel closes).
 */

type Message =
  | { type: 'scenario'; name: ScenarioName; id: number }
  | { type: 'stats'; id: number }
  /** Sets (or with no fault, clears) a fault on one of `config.accounts`. */
  | { type: 'fault'; account: string; fault?: SimFaultKind; id: number }
  | { type: 'guard'; pid: number }
  | { type: 'unguard'; pid: number };

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as BenchScenarioConfig;
  const tls = process.argv[3] ? (JSON.parse(process.argv[3]) as { key: string; cert: string }) : undefined;
  const scenarios = buildScenarios(config);
  // KiroSimulator keeps a reference to its options and reads `defaultScenario` on every chat
  // call, so switching the benchmark phase is a field assignment. The clients check every
  // reply's text, so a simulator that stopped doing this would fail the run, not skew it.
  const options: SimulatorOptions = {
    host: '127.0.0.1',
    port: 0,
    recordRequests: false,
    accessTokenTtlSeconds: 24 * 3600,
    defaultScenario: scenarios.short,
    tls,
    accounts: (config.accounts ?? []).map((name) => ({ name, usageLimit: 1e12 })),
  };
  const sim = await KiroSimulator.start(options);
  const guarded = new Set<number>();

  process.on('message', (message: Message) => {
    switch (message.type) {
      case 'scenario':
        options.defaultScenario = scenarios[message.name];
        process.send?.({ type: 'ack', id: message.id });
        break;
      case 'stats': {
        const perAccount = Object.fromEntries(sim.accounts.map((account) => [`account:${account.name}`, account.stats.chatRequests]));
        process.send?.({ type: 'ack', id: message.id, stats: { ...sim.stats, ...perAccount } });
        break;
      }
      case 'fault': {
        const account = sim.account(message.account);
        if (message.fault) account.setFault(message.fault);
        else account.clearFault();
        process.send?.({ type: 'ack', id: message.id });
        break;
      }
      case 'guard':
        guarded.add(message.pid);
        break;
      case 'unguard':
        guarded.delete(message.pid);
        break;
    }
  });

  const leave = (): void => {
    for (const pid of guarded) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    void sim.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  // The parent closes the channel on a clean exit as well as when it dies.
  process.on('disconnect', leave);
  process.on('SIGTERM', leave);
  process.on('SIGINT', () => undefined); // Ctrl+C: the parent decides and closes the channel.

  process.send?.({ type: 'ready', url: sim.url, authUrl: sim.authUrl, env: sim.gatewayEnv() });
}

main().catch((err: unknown) => {
  console.error('[sim] failed to start:', err);
  process.exit(1);
});
