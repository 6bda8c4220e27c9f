import type Redis from 'ioredis';
import { LocalAlertDedupe, RedisAlertDedupe } from './alert-dedupe';

describe(LocalAlertDedupe.name, () => {
  it('lets one (kind, subject) through once per interval, others independently', async () => {
    const clock = { now: 0 };
    const dedupe = new LocalAlertDedupe(() => clock.now);

    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'a' }, 1_000)).toBe(true);
    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'a' }, 1_000)).toBe(false);
    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'b' }, 1_000)).toBe(true);
    expect(await dedupe.claim({ kind: 'quota_threshold', subject: 'a' }, 1_000)).toBe(true);
    clock.now = 999;
    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'a' }, 1_000)).toBe(false);
    clock.now = 1_000;
    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'a' }, 1_000)).toBe(true);
  });

  it('keeps the variants of one (kind, subject) apart: each is sent once', async () => {
    const dedupe = new LocalAlertDedupe(() => 0);
    const day = { kind: 'budget_reached', subject: 'ci', variant: 'day:1000:5' } as const;

    expect(await dedupe.claim(day, 1_000)).toBe(true);
    expect(await dedupe.claim({ ...day, variant: 'month:9000:50' }, 1_000)).toBe(true);
    expect(await dedupe.claim(day, 1_000)).toBe(false);
    expect(await dedupe.claim({ ...day, variant: 'month:9000:50' }, 1_000)).toBe(false);
    expect(await dedupe.claim({ kind: 'budget_reached', subject: 'ci' }, 1_000)).toBe(true);
  });

  it('holds at most its capacity, dropping expired entries first, then the oldest', async () => {
    const clock = { now: 0 };
    const dedupe = new LocalAlertDedupe(() => clock.now, 3);
    await dedupe.claim({ kind: 'test', subject: 'old' }, 10);
    await dedupe.claim({ kind: 'test', subject: 'x' }, 1_000);
    await dedupe.claim({ kind: 'test', subject: 'y' }, 1_000);
    clock.now = 20;

    expect(await dedupe.claim({ kind: 'test', subject: 'z' }, 1_000)).toBe(true);
    expect(await dedupe.claim({ kind: 'test', subject: 'x' }, 1_000)).toBe(false);
    for (let i = 0; i < 100; i++) await dedupe.claim({ kind: 'test', subject: `s${i}` }, 1_000);
    expect(dedupe.size).toBe(3);
  });
});

describe(RedisAlertDedupe.name, () => {
  it('claims with SET NX PX, and decides locally while Redis fails', async () => {
    const calls: unknown[][] = [];
    let fail = false;
    const held = new Set<string>();
    const redis = {
      set: async (...args: unknown[]) => {
        calls.push(args);
        if (fail) throw new Error('Connection is closed.');
        const key = args[0] as string;
        if (held.has(key)) return null;
        held.add(key);
        return 'OK';
      },
    } as unknown as Redis;
    const dedupe = new RedisAlertDedupe(redis, new LocalAlertDedupe(() => 0), 'gw-1');

    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'c' }, 900_000)).toBe(true);
    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'c' }, 900_000)).toBe(false);
    expect(calls[0]).toEqual([expect.stringMatching(/^kiro-gateway:alert:account_suspended:[A-Za-z0-9_-]{22}$/), 'gw-1', 'PX', 900_000, 'NX']);
    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'c', variant: 'other' }, 900_000)).toBe(true);
    expect(calls[2][0]).not.toBe(calls[0][0]);
    fail = true;
    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'd' }, 900_000)).toBe(true);
    expect(await dedupe.claim({ kind: 'account_suspended', subject: 'd' }, 900_000)).toBe(false);
  });
});
