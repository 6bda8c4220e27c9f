import { QuotaExceededError, UpstreamAuthError, UpstreamError } from '../common/errors';
import { ModelNotOnAccountError } from '../kiro/kiro-errors';
import { verdictFor } from './account-health';
import { AccountPool, AccountsBusyError, NoAccountAvailableError, type PoolOptions } from './account-pool';

function pool(extra: Partial<PoolOptions> = {}, clock = { now: 0 }) {
  const changes: string[] = [];
  const p = new AccountPool<string>({
    strategy: 'round_robin',
    queueSize: 2,
    queueTimeoutMs: 5_000,
    affinityTtlMs: 60_000,
    affinityCapacity: 100,
    now: () => clock.now,
    onStateChange: (name, from, to) => changes.push(`${name}:${from.kind}->${to.kind}`),
    ...extra,
  });
  for (const name of ['a', 'b', 'c']) p.add({ name, priority: 0, weight: 1, maxConcurrency: 2, session: `session-${name}` });
  return { p, changes, clock };
}

describe(AccountPool.name, () => {
  it('spreads requests over healthy accounts and skips a disabled one', async () => {
    const { p, changes } = pool();
    p.report(p.get('b')!, verdictFor(new UpstreamAuthError('locked', 'permission', 'account_suspended')));

    const names = [];
    for (let i = 0; i < 4; i++) {
      const lease = await p.acquire({});
      names.push(lease.account.name);
      lease.release();
    }

    expect(names).toEqual(['a', 'c', 'a', 'c']);
    expect(changes).toEqual(['b:healthy->disabled']);
  });

  it("serves a request only from its key's allowed accounts, and says so when none of them can", async () => {
    const { p } = pool();
    const allowed = new Set(['b', 'c']);
    const names = [];
    for (let i = 0; i < 4; i++) {
      const lease = await p.acquire({ allowed });
      names.push(lease.account.name);
      lease.release();
    }
    p.setState('b', { kind: 'disabled', reason: 'operator' });
    p.setState('c', { kind: 'disabled', reason: 'operator' });

    expect(names).toEqual(['b', 'c', 'b', 'c']);
    await expect(p.acquire({ allowed })).rejects.toThrow('No Kiro account can serve this request now (each this key may use is disabled, cooling down or lacks the model).');
    await expect(p.acquire({ allowed: new Set(['gone']) })).rejects.toThrow('None of the Kiro accounts this key may use (gone) is in the pool.');
    expect((await p.acquire({})).account.name).toBe('a');
  });

  it('never gives a request an account it already tried', async () => {
    const { p } = pool();

    const lease = await p.acquire({ tried: new Set(['a', 'b']) });

    expect(lease.account.name).toBe('c');
    await expect(p.acquire({ tried: new Set(['a', 'b', 'c']) })).rejects.toBeInstanceOf(NoAccountAvailableError);
  });

  it('skips an account for a model its plan lacks, for that model only', async () => {
    const { p } = pool({ strategy: 'priority' });
    p.report(p.get('a')!, verdictFor(new ModelNotOnAccountError('no')), 'claude-opus-4.7');

    expect((await p.acquire({ model: 'claude-opus-4.7' })).account.name).toBe('b');
    expect((await p.acquire({ model: 'auto' })).account.name).toBe('a');
  });

  it('keeps a conversation on its pinned account, and re-pins it only when that account fails hard', async () => {
    const { p } = pool();
    const first = await p.acquire({ affinityKey: 'conv' });
    first.release();
    const again = await p.acquire({ affinityKey: 'conv' });
    again.release();
    p.report(first.account, verdictFor(new QuotaExceededError('spent')));
    const moved = await p.acquire({ affinityKey: 'conv' });
    moved.release();
    const stays = await p.acquire({ affinityKey: 'conv' });

    expect(again.account.name).toBe(first.account.name);
    expect(moved.account.name).not.toBe(first.account.name);
    expect(stays.account.name).toBe(moved.account.name);
  });

  it('keeps the pin when its account was only tried for a network error', async () => {
    const { p } = pool();
    const first = await p.acquire({ affinityKey: 'conv' });
    first.release();
    p.report(first.account, verdictFor(new UpstreamError('ECONNRESET', { retryable: true, cause: new Error('x') })));
    (await p.acquire({ affinityKey: 'conv', tried: new Set([first.account.name]) })).release();

    expect((await p.acquire({ affinityKey: 'conv' })).account.name).toBe(first.account.name);
  });

  it('queues when every account is full, hands the next free slot over, and refuses past the queue', async () => {
    const { p } = pool();
    const leases = await Promise.all(Array.from({ length: 6 }, () => p.acquire({})));
    const waiting = p.acquire({});
    const waiting2 = p.acquire({});

    await expect(p.acquire({})).rejects.toBeInstanceOf(AccountsBusyError);
    leases[2].release();
    expect((await waiting).account.name).toBe(leases[2].account.name);
    expect(p.queued).toBe(1);
    leases[0].release();
    await waiting2;
    expect(p.queued).toBe(0);
  });

  it('lets a queued request go when its client leaves', async () => {
    const { p } = pool();
    await Promise.all(Array.from({ length: 6 }, () => p.acquire({})));
    const controller = new AbortController();
    const waiting = p.acquire({ signal: controller.signal });

    controller.abort(new Error('gone'));

    await expect(waiting).rejects.toThrow('gone');
    expect(p.queued).toBe(0);
  });

  it('answers 503 with the soonest cooling end when no account can serve', async () => {
    const { p, clock } = pool();
    for (const name of ['a', 'b']) p.report(p.get(name)!, verdictFor(new UpstreamAuthError('locked', 'permission', 'account_suspended')));
    p.report(p.get('c')!, { effect: 'cool', reason: 'upstream_errors', ms: 10_000, failover: true });

    const refusal = p.acquire({});

    await expect(refusal).rejects.toMatchObject({ status: 503, code: 'no_account_available', retryAfterSeconds: 10 });
    clock.now = 10_000;
    expect((await p.acquire({})).account.name).toBe('c');
  });

  it('answers insufficient_quota when every account has spent its quota', async () => {
    const { p } = pool();
    for (const name of ['a', 'b', 'c']) p.report(p.get(name)!, verdictFor(new QuotaExceededError('spent')), undefined, 86_400_000);

    await expect(p.acquire({})).rejects.toMatchObject({ status: 429, type: 'insufficient_quota', retryAfterSeconds: 86_400 });
  });

  it('keeps using the only account of a pool of one whatever its state, but not when an operator disabled it', async () => {
    const single = new AccountPool<string>({ strategy: 'priority', queueSize: 1, queueTimeoutMs: 1000, affinityTtlMs: 1000, affinityCapacity: 10, now: () => 0 });
    single.add({ name: 'only', priority: 0, weight: 1, maxConcurrency: undefined, session: 's' });
    single.report(single.get('only')!, verdictFor(new UpstreamAuthError('locked', 'permission', 'account_suspended')));

    expect((await single.acquire({})).account.name).toBe('only');
    single.setState('only', { kind: 'disabled', reason: 'operator' });
    await expect(single.acquire({})).rejects.toBeInstanceOf(NoAccountAvailableError);
  });

  it('warms a new account in at its peers recent use, so least_used does not hammer it', async () => {
    const { p } = pool({ strategy: 'least_used' }, { now: 0 });
    p.update('a', { maxConcurrency: null });
    p.update('b', { maxConcurrency: null });
    p.update('c', { maxConcurrency: null });
    for (let i = 0; i < 30; i++) (await p.acquire({})).release();
    p.add({ name: 'new', priority: 0, weight: 1, maxConcurrency: undefined, session: 's' });

    const next = [];
    for (let i = 0; i < 8; i++) {
      const lease = await p.acquire({});
      next.push(lease.account.name);
      lease.release();
    }

    expect(next.filter((n) => n === 'new').length).toBeLessThanOrEqual(3);
    expect(next).toContain('new');
  });
});
