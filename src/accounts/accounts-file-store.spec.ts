import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountsFileStore } from './accounts-file-store';

describe(AccountsFileStore.name, () => {
  function fileWith(content: unknown): string {
    const path = join(mkdtempSync(join(tmpdir(), 'accounts-')), 'accounts.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  }

  it("updates one entry, keeping the others and every field it does not know, 0600", async () => {
    const path = fileWith({ comment: 'mine', accounts: [{ name: 'a', refreshToken: 'old', note: 'x' }, { name: 'b', apiKey: 'ksk_1' }] });

    await new AccountsFileStore(path).update('a', { refreshToken: 'new', accessToken: undefined });

    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ comment: 'mine', accounts: [{ name: 'a', refreshToken: 'new', note: 'x' }, { name: 'b', apiKey: 'ksk_1' }] });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('applies concurrent changes one after the other, losing none', async () => {
    const path = fileWith([{ name: 'a', refreshToken: 'r' }]);
    const store = new AccountsFileStore(path);

    await Promise.all([store.add({ name: 'b', apiKey: 'ksk_2' }), store.add({ name: 'c', apiKey: 'ksk_3' }), store.update('a', { weight: 2 }), store.remove('b')]);

    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual([{ name: 'a', refreshToken: 'r', weight: 2 }, { name: 'c', apiKey: 'ksk_3' }]);
  });
});
