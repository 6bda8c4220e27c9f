import { mkdtempSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientKey } from './client-key';
import { createdKey } from './client-key.fixture';
import { ClientKeysFile } from './client-keys-file';

const key = (name: string): ClientKey => createdKey({ name });

describe(ClientKeysFile.name, () => {
  it("tells a rewrite of the same size and modification time from the file before (another replica's write)", async () => {
    const file = new ClientKeysFile(join(mkdtempSync(join(tmpdir(), 'kiro-keys-file-')), 'keys.json'));
    // Both writes within one tick of a coarse clock (or a file system with 1 s or 2 s times).
    const at = new Date('2026-12-01T00:00:00Z');
    await file.save([key('first')]);
    utimesSync(file.path, at, at);
    const before = { version: await file.version(), size: statSync(file.path).size };

    await file.save([key('other')]);
    utimesSync(file.path, at, at);

    expect([statSync(file.path).size, statSync(file.path).mtimeMs]).toEqual([before.size, at.getTime()]);
    expect(await file.version()).not.toBe(before.version);
  });
});
