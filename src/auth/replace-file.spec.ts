import { constants, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceFile, type ReplaceFileSystem } from './replace-file';

/** The real file system, recording every call; `renameFails` makes rename fail as a bind mount does. */
function recordingFs(renameFails?: string): ReplaceFileSystem & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async open(path, flags, mode) {
      calls.push(`open ${path.split('/').pop()} ${flags & constants.O_EXCL ? 'excl ' : ''}${flags & constants.O_NOFOLLOW ? 'nofollow' : ''}`.trim());
      const handle = await open(path, flags, mode);
      return {
        write: (data, offset, length, position) => handle.write(data, offset, length, position),
        truncate: (length) => handle.truncate(length),
        chmod: (m) => handle.chmod(m),
        sync: async () => {
          calls.push('sync');
          await handle.sync();
        },
        close: () => handle.close(),
      };
    },
    async rename(from, to) {
      calls.push('rename');
      if (renameFails) throw Object.assign(new Error(`${renameFails}: resource busy`), { code: renameFails });
      await rename(from, to);
    },
    async unlink(path) {
      calls.push('unlink');
      await unlink(path);
    },
  };
}

describe(replaceFile.name, () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'replace-file-'));
    file = join(dir, 'kiro-auth-token.json');
    writeFileSync(file, '{"refreshToken":"old-and-longer-than-the-new-one"}', { mode: 0o644 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file atomically through a random, exclusive, no-follow temp file, fsynced first', async () => {
    const fs = recordingFs();

    expect(await replaceFile(file, '{"refreshToken":"new"}', fs)).toBe('replaced');

    expect(readFileSync(file, 'utf8')).toBe('{"refreshToken":"new"}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.calls[0]).toMatch(/^open \.kiro-auth-token\.json\.[0-9a-f]{16}\.tmp excl nofollow$/);
    expect(fs.calls.indexOf('sync')).toBeLessThan(fs.calls.indexOf('rename'));
    expect(readdirSync(dir)).toEqual(['kiro-auth-token.json']);
  });

  it('rewrites the file in place, truncated and 0600, when it cannot be replaced (a bind mount: EBUSY), leaving no temp file', async () => {
    const fs = recordingFs('EBUSY');

    expect(await replaceFile(file, '{"refreshToken":"new"}', fs)).toBe('rewritten');

    expect(readFileSync(file, 'utf8')).toBe('{"refreshToken":"new"}');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.calls).toContain('open kiro-auth-token.json nofollow');
    expect(readdirSync(dir)).toEqual(['kiro-auth-token.json']);
  });

  it('never writes through a link planted at the file', async () => {
    const target = join(dir, 'elsewhere');
    writeFileSync(target, 'untouched');
    rmSync(file);
    symlinkSync(target, file);

    await replaceFile(file, 'new', recordingFs('EBUSY')).catch(() => undefined);

    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
  });

  it('gives up rather than rewrite in place after another failure (a full disk would leave half a file)', async () => {
    await expect(replaceFile(file, 'new', recordingFs('ENOSPC'))).rejects.toThrow('ENOSPC');

    expect(readFileSync(file, 'utf8')).toBe('{"refreshToken":"old-and-longer-than-the-new-one"}');
    expect(readdirSync(dir)).toEqual(['kiro-auth-token.json']);
  });
});
