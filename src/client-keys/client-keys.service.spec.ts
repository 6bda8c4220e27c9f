import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('keeps at most 1000 keys, every one made at once reaching the file', async () => {
    const { keys, file } = service();
    const created = [];
    for (let i = 0; i < 999; i++) created.push(keys.create({ name: `k${i}` }));
    await Promise.all(created);

    await expect(keys.create({ name: 'one-too-many' })).rejects.toThrow('The gateway holds its maximum of 1000 client keys; delete one first');
    expect(storedNames(file)).toHaveLength(999);
    expect(new Set(storedNames(file)).size).toBe(999);
  });

  it('writes every one of keys created at the same time', async () => {
    const { keys, file } = service();
    const made = await Promise.all(['w', 'x', 'y', 'z'].map((name) => keys.create({ name })));
    const again = service({ CLIENT_KEYS_FILE: file }).keys;
    await again.onModuleInit();
    await again.onApplicationShutdown();

    expect(storedNames(file).sort()).toEqual(['w', 'x', 'y', 'z']);
    expect(made.map(({ secret }) => again.lookup(secret)?.name)).toEqual(['w', 'x', 'y', 'z']);
  });

  it('accepts one of two keys created at the same time with one name', async () => {
    const { keys, file } = service();
    const outcomes = await Promise.allSettled([keys.create({ name: 'twin' }), keys.create({ name: 'twin' })]);

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { status: 400, code: 'key_exists' } });
    expect(storedNames(file)).toEqual(['twin']);
    expect((await keys.list()).filter((key) => key.name === 'twin')).toHaveLength(1);
  });

  it('keeps PROXY_API_KEY read-only, and never deletes or renames a PROXY_API_KEYS key here', async () => {
    const { keys } = service({ PROXY_API_KEYS: 'ci:ci-static-key-0123456789' });

    await expect(keys.update('default', { dailyCredits: 1 })).rejects.toMatchObject({ code: 'key_read_only' });
    await expect(keys.remove('default')).rejects.toThrow('The key "default" is PROXY_API_KEY: it has no limits and cannot be changed here');
    await expect(keys.remove('env.ci')).rejects.toThrow('The key "ci" comes from PROXY_API_KEYS: remove it there');
    await expect(keys.update('env.ci', { name: 'renamed' })).rejects.toMatchObject({ code: 'key_env_name' });
    expect(keys.lookup('ci-static-key-0123456789')).toMatchObject({ name: 'ci', dailyCredits: undefined });
  });

  it("sets a PROXY_API_KEYS key's limits and state in the console: kept in the file without its secret, taken up by every process reading it", async () => {
    const env = { PROXY_API_KEYS: 'ci:ci-static-key-0123456789' };
    const { keys, file } = service(env);
    await keys.onModuleInit();

    const view = await keys.update('env.ci', { dailyCredits: 0.5, models: ['claude-sonnet-4.5'], rateLimitPerMinute: 7 });
    await keys.update('env.ci', { enabled: false });
    const again = service({ ...env, CLIENT_KEYS_FILE: file }).keys;
    await again.onModuleInit();
    const onDisk = readFileSync(file, 'utf8');

    expect(view).toMatchObject({ source: 'static', dailyCredits: 0.5, models: ['claude-sonnet-4.5'], rateLimitPerMinute: 7, readOnly: false, deletable: false });
    expect(keys.lookup('ci-static-key-0123456789')).toMatchObject({ dailyCredits: 0.5, rateLimitPerMinute: 7, enabled: false });
    expect(again.lookup('ci-static-key-0123456789')).toMatchObject({ name: 'ci', source: 'static', dailyCredits: 0.5, models: ['claude-sonnet-4.5'], rateLimitPerMinute: 7, enabled: false });
    expect(onDisk).toContain('"id": "env.ci"');
    expect(onDisk).not.toContain('ci-static-key');
    expect(onDisk).not.toContain('digest');
    // A budget is enforced as for a created key.
    const key = again.lookup('ci-static-key-0123456789')!;
    await again.update('env.ci', { enabled: true });
    again.spend(key, 0.6);
    expect(() => again.admit(key)).toThrow(BudgetExceededError);
    // Its limits removed: the file's entry stays, with none.
    await again.update('env.ci', { dailyCredits: null, models: [], rateLimitPerMinute: null });
    expect(() => again.admit(key)).not.toThrow();
    await keys.onApplicationShutdown();
    await again.onApplicationShutdown();
  });

  it('drops the counters of a deleted key, so its spend no longer takes room from the live keys\'', async () => {
    const { keys, file } = service();
    const { secret, key } = await keys.create({ name: 'spent-then-deleted', dailyCredits: 5 });
    const kept = await keys.create({ name: 'kept', dailyCredits: 5 });
    keys.spend(keys.lookup(secret)!, 1);
    keys.spend(keys.lookup(kept.secret)!, 2);
    await keys.onModuleInit();
    await keys.remove(key.id);
    await keys.onApplicationShutdown();

    const usage = readFileSync(file.replace(/\.json$/, '.usage.json'), 'utf8');
    expect(usage).toContain(kept.key.id);
    expect(usage).not.toContain(key.id);
  });
});

describe(`${ClientKeysService.name} with replicas sharing the keys file`, () => {
  /** Two replicas' services on one file, both started (each reads the file every 2 s). */
  async function replicas() {
    const a = service();
    const b = service({ CLIENT_KEYS_FILE: a.file });
    await a.keys.onModuleInit();
    await b.keys.onModuleInit();
    stops.push(a.keys, b.keys);
    return { a: a.keys, b: b.keys, file: a.file };
  }
  const stops: ClientKeysService[] = [];
  afterEach(async () => {
    for (const keys of stops.splice(0)) await keys.onApplicationShutdown();
  });

  it('keeps a key deleted on one replica deleted when the other creates one before it read the file again', async () => {
    const { a, b, file } = await replicas();
    const victim = await a.create({ name: 'victim' });
    await poll(() => b.lookup(victim.secret) !== undefined);

    await a.remove(victim.key.id);
    const other = await b.create({ name: 'made-on-b' });
    await poll(() => a.lookup(other.secret) !== undefined);

    expect(storedNames(file)).toEqual(['made-on-b']);
    expect(a.lookup(victim.secret)).toBeUndefined();
    expect(b.lookup(victim.secret)).toBeUndefined();
  });

  it('keeps the keys both replicas create, each without having read the other\'s', async () => {
    const { a, b, file } = await replicas();
    const onA = await a.create({ name: 'made-on-a' });
    const onB = await b.create({ name: 'made-on-b' });
    await poll(() => a.lookup(onB.secret) !== undefined);

    expect(storedNames(file).sort()).toEqual(['made-on-a', 'made-on-b']);
    expect(b.lookup(onA.secret)?.name).toBe('made-on-a');
    expect(a.lookup(onB.secret)?.name).toBe('made-on-b');
  });

  it('applies a change to the key as the file has it, keeping what the other replica changed', async () => {
    const { a, b } = await replicas();
    const { secret, key } = await a.create({ name: 'changed-twice' });
    await poll(() => b.lookup(secret) !== undefined);

    await a.update(key.id, { enabled: false });
    const onB = await b.update(key.id, { dailyCredits: 3 });
    await poll(() => a.lookup(secret)?.dailyCredits === 3);

    expect(onB).toMatchObject({ enabled: false, dailyCredits: 3 });
    expect(a.lookup(secret)).toMatchObject({ enabled: false, dailyCredits: 3 });
  });

  it('refuses a name the other replica took just before', async () => {
    const { a, b, file } = await replicas();
    await a.create({ name: 'taken-on-a' });

    await expect(b.create({ name: 'taken-on-a' })).rejects.toMatchObject({ status: 400, code: 'key_exists' });
    expect(storedNames(file)).toEqual(['taken-on-a']);
  });
});

describe(`${ClientKeysService.name} with a keys file that cannot be read at start`, () => {
  it('reads it again until it can, then serves its keys and takes changes, without a restart', async () => {
    const elsewhere = service();
    const { secret } = await elsewhere.keys.create({ name: 'from-the-fixed-file' });
    const { keys, file } = service();
    writeFileSync(file, '{"keys": [ broken');
    await keys.onModuleInit();
    try {
      expect(keys.status()).toMatchObject({ writable: false, problem: expect.stringContaining('cannot be read') });
      await expect(keys.create({ name: 'refused' })).rejects.toMatchObject({ status: 503, code: 'keys_file_unreadable' });

      writeFileSync(file, readFileSync(elsewhere.file));
      await poll(() => keys.lookup(secret) !== undefined);

      expect(keys.status()).toMatchObject({ writable: true, problem: null });
      await keys.create({ name: 'accepted' });
      expect(storedNames(file).sort()).toEqual(['accepted', 'from-the-fixed-file']);
    } finally {
      await keys.onApplicationShutdown();
    }
  });

  it('never overwrites it while it cannot be read', async () => {
    const { keys, file } = service();
    writeFileSync(file, 'not json at all');
    await keys.onModuleInit();
    await keys.onApplicationShutdown();

    await expect(keys.create({ name: 'refused' })).rejects.toMatchObject({ status: 503, code: 'keys_file_unreadable' });
    expect(readFileSync(file, 'utf8')).toBe('not json at all');
  });
});

/** The names of the keys in the file. */
function storedNames(file: string): string[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { keys: Array<{ name: string }> }).keys.map((key) => key.name);
}

/** Waits until `check` holds (a replica reads the file every 2 s), within a deadline. */
async function poll(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within the deadline');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
