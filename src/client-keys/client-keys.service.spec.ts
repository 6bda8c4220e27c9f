import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../common/clock';
import { parseGatewayEnv } from '../config/env.schema';
import { BudgetExceededError, KeyDisabledError, ModelNotAllowedError } from './client-key-errors';
import { type BudgetReachedEvent, ClientKeysService } from './client-keys.service';

function service(env: Record<string, string> = {}, start = Date.parse('2026-12-01T23:59:00Z')) {
  const clock = { at: start };
  const fake: Clock = { now: () => clock.at, sleep: async () => undefined };
  const file = join(mkdtempSync(join(tmpdir(), 'kiro-keys-unit-')), 'keys.json');
  const keys = new ClientKeysService(parseGatewayEnv({ PROXY_API_KEY: 'the-default-proxy-key', CLIENT_KEYS_FILE: file, ...env }), fake);
  return { keys, clock, file };
}

describe(ClientKeysService.name, () => {
  it('finds PROXY_API_KEY, PROXY_API_KEYS and created keys by their digest, and nothing else', async () => {
    const { keys } = service({ PROXY_API_KEYS: 'ci:ci-static-key-0123456789' });
    const { secret } = await keys.create({ name: 'made' });

    expect(keys.lookup('the-default-proxy-key')?.name).toBe('default');
    expect(keys.lookup('ci-static-key-0123456789')?.name).toBe('ci');
    expect(keys.lookup(secret)?.name).toBe('made');
    expect(keys.lookup(`${secret} `)).toBeUndefined();
    expect(keys.lookup('the-default-proxy-ke')).toBeUndefined();
  });

  it('writes only the digest of a created key, and loads it back', async () => {
    const { keys, file } = service();
    const { secret, key } = await keys.create({ name: 'stored', dailyCredits: 2 });
    const again = service({ CLIENT_KEYS_FILE: file }).keys;
    await again.onModuleInit();

    expect(readFileSync(file, 'utf8')).not.toContain(secret);
    expect(again.lookup(secret)).toMatchObject({ id: key.id, name: 'stored', dailyCredits: 2, source: 'created' });
  });

  it('admits requests until the credits reach the budget, tells once, and admits again after UTC midnight', async () => {
    const { keys, clock } = service();
    const reached: BudgetReachedEvent[] = [];
    keys.budgetReached.subscribe((event) => reached.push(event));
    const { secret } = await keys.create({ name: 'budgeted', dailyCredits: 0.05 });
    const key = keys.lookup(secret)!;

    keys.admit(key);
    keys.spend(key, 0.03);
    keys.admit(key);
    keys.spend(key, 0.03);
    const refusal = (() => {
      try {
        keys.admit(key);
      } catch (err) {
        return err;
      }
    })();
    expect(() => keys.admit(key)).toThrow(BudgetExceededError);
    clock.at = Date.parse('2026-12-02T00:00:00Z');

    expect(refusal).toBeInstanceOf(BudgetExceededError);
    expect(refusal).toMatchObject({ kind: 'budget_exceeded', code: 'daily_budget_exceeded', retryAfterSeconds: 60 });
    expect(reached).toEqual([{ keyId: key.id, keyName: 'budgeted', period: 'daily', limit: 0.05, used: 0.06, resetsAt: '2026-12-02T00:00:00.000Z' }]);
    expect(() => keys.admit(key)).not.toThrow();
  });

  it('counts a month across its days, resetting on the 1st (UTC)', async () => {
    const { keys, clock } = service({}, Date.parse('2026-11-30T10:00:00Z'));
    const { secret } = await keys.create({ name: 'monthly', monthlyCredits: 1 });
    const key = keys.lookup(secret)!;
    keys.spend(key, 0.6);
    clock.at = Date.parse('2026-11-30T23:00:00Z');
    keys.spend(key, 0.5);

    expect(() => keys.admit(key)).toThrow('The key "monthly" has spent its monthly budget: 1.1 of 1 Kiro credits used. It resets at 2026-12-01T00:00:00.000Z (UTC).');
    clock.at = Date.parse('2026-12-01T00:00:01Z');
    expect(() => keys.admit(key)).not.toThrow();
    expect((await keys.get(key.id)).usage.monthly).toMatchObject({ credits: 0, requests: 1, limit: 1, resetsAt: '2027-01-01T00:00:00.000Z' });
  });

  it('refuses models outside the key\'s list and disabled keys', async () => {
    const { keys } = service();
    const { secret, key: view } = await keys.create({ name: 'limited', models: ['claude-sonnet-4.5'] });
    const key = keys.lookup(secret)!;

    expect(() => keys.assertModel({ kind: 'gateway', key }, 'claude-sonnet-4-5-20250929')).not.toThrow();
    expect(() => keys.assertModel({ kind: 'gateway', key }, 'claude-opus-4.5')).toThrow(ModelNotAllowedError);
    expect(() => keys.assertModel({ kind: 'gateway' }, 'claude-opus-4.5')).not.toThrow();
    await keys.update(view.id, { enabled: false });
    expect(() => keys.assertEnabled(key)).toThrow(KeyDisabledError);
  });

  it('keeps at most 1000 keys', async () => {
    const { keys } = service();
    const created = [];
    for (let i = 0; i < 999; i++) created.push(keys.create({ name: `k${i}` }));
    await Promise.all(created);

    await expect(keys.create({ name: 'one-too-many' })).rejects.toThrow('The gateway holds its maximum of 1000 client keys; delete one first');
  });

  it('refuses changes to the keys of the environment', async () => {
    const { keys } = service({ PROXY_API_KEYS: 'ci:ci-static-key-0123456789' });

    await expect(keys.update('env.ci', { dailyCredits: 1 })).rejects.toThrow('The key "ci" comes from PROXY_API_KEYS and cannot be changed here');
    await expect(keys.remove('default')).rejects.toThrow('The key "default" comes from PROXY_API_KEY and cannot be changed here');
  });
});
