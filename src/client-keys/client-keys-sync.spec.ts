import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientKey } from './client-key';
import { createdKey } from './client-key.fixture';
import { ClientKeysFile } from './client-keys-file';
import { ClientKeysSync } from './client-keys-sync';

const KEY = createdKey({ name: 'one' });

describe(ClientKeysSync.name, () => {
  let path: string;
  const sync = (applied: Array<readonly ClientKey[]> = []) =>
    new ClientKeysSync(new ClientKeysFile(path), (keys) => applied.push(keys), { owner: 'test', reloadMs: 60_000, lockWaitMs: 150, lockStaleMs: 10_000 });

  beforeEach(() => {
    path = join(mkdtempSync(join(tmpdir(), 'kiro-keys-sync-')), 'keys.json');
  });

  it('refuses a change with a 503 while another replica holds the lock, changing nothing', async () => {
    writeFileSync(`${path}.lock`, `{"owner":"replica-2","token":"t","at":"${new Date().toISOString()}"}\n`);

    const refused = await sync()
      .change((keys) => [...keys, KEY])
      .catch((err: unknown) => err);

    expect(refused).toMatchObject({ status: 503, code: 'keys_file_locked', message: expect.stringContaining('held by replica-2') });
    expect(() => readFileSync(path)).toThrow('ENOENT');
  });

  it('keeps the entries it cannot use as they were when it writes the file', async () => {
    writeFileSync(path, JSON.stringify({ keys: [{ id: 'key_typo', name: 'hand-made' }] }));
    const applied: Array<readonly ClientKey[]> = [];

    await sync(applied).change((keys) => [...keys, KEY]);

    expect(JSON.parse(readFileSync(path, 'utf8')).keys.map((entry: { id: string }) => entry.id)).toEqual(['key_0123456789ab', 'key_typo']);
    expect(applied.map((keys) => keys.map((key) => key.id))).toEqual([['key_0123456789ab']]);
  });

  it('writes nothing when the edit refuses', async () => {
    await expect(
      sync().change(() => {
        throw new Error('a name is taken');
      }),
    ).rejects.toThrow('a name is taken');

    expect(() => readFileSync(path)).toThrow('ENOENT');
  });
});
