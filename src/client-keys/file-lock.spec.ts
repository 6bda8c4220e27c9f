import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLock, type FileLockOptions, FileLockTimeoutError } from './file-lock';

describe(FileLock.name, () => {
  let path: string;
  const lock = (options: Partial<FileLockOptions> = {}) => new FileLock(path, { owner: 'test-replica', staleMs: 10_000, waitMs: 2_000, retryMs: 10, ...options });

  beforeEach(() => {
    path = join(mkdtempSync(join(tmpdir(), 'kiro-lock-')), 'data', 'keys.json.lock');
  });

  it('lets one holder in at a time, across lock objects (as across processes), and removes its file after', async () => {
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      events.push(`${name} out`);
      return name;
    };

    const results = await Promise.all([lock().hold(work('first')), lock().hold(work('second'))]);

    expect(results).toEqual(['first', 'second']);
    const [holders, steps] = [events.map((event) => event.split(' ')[0]), events.map((event) => event.split(' ')[1])];
    expect(steps).toEqual(['in', 'out', 'in', 'out']);
    expect(holders[0]).toBe(holders[1]);
    expect(holders[2]).toBe(holders[3]);
    expect(existsSync(path)).toBe(false);
  });

  it('releases the lock when the work fails', async () => {
    await expect(lock().hold(async () => Promise.reject(new Error('edit refused')))).rejects.toThrow('edit refused');

    expect(existsSync(path)).toBe(false);
    await expect(lock().hold(async () => 'again')).resolves.toBe('again');
  });

  it('gives up after waitMs on a lock another process holds, naming it', async () => {
    await lock().hold(async () => {
      const started = Date.now();
      const refused = await lock({ waitMs: 150 })
        .hold(async () => 'never')
        .catch((err: unknown) => err);

      expect(refused).toBeInstanceOf(FileLockTimeoutError);
      expect((refused as Error).message).toMatch(/keys\.json\.lock is held by test-replica since \d{4}-/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });
  });

  it('takes over a lock left by a process that died', async () => {
    await lock().hold(async () => undefined);
    writeFileSync(path, '{"owner":"dead-replica","token":"x"}\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);

    await expect(lock({ waitMs: 100 }).hold(async () => 'taken over')).resolves.toBe('taken over');
  });

  it('leaves alone the lock of a successor that took it over', async () => {
    await lock().hold(async () => {
      writeFileSync(path, '{"owner":"successor","token":"theirs"}\n');
    });

    expect(readFileSync(path, 'utf8')).toContain('successor');
  });
});
