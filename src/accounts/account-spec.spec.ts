import { maskProxy, maskSecret, parseAccountsFile } from './account-spec';

describe(parseAccountsFile.name, () => {
  it('reads every credential form with its options', () => {
    const { accounts, problems } = parseAccountsFile(
      JSON.stringify({
        accounts: [
          { name: 'main', refreshToken: 'aor-1', clientId: 'c', clientSecret: 's', authMethod: 'IdC', region: 'eu-west-1', apiRegion: 'us-east-1', priority: 0, weight: 3, maxConcurrency: 8 },
          { name: 'ide', credsFile: '/creds/ide.json', proxy: 'socks5://10.0.0.1:1080' },
          { name: 'cli', kiroCliDb: '/creds/data.sqlite3', profileArn: 'arn:aws:codewhisperer:us-east-1:1:profile/X' },
          { name: 'key', apiKey: 'ksk_abcdef', priority: 2, disabled: true },
        ],
      }),
    );

    expect(problems).toEqual([]);
    expect(accounts.map((a) => [a.name, a.credential.kind])).toEqual([['main', 'refresh-token'], ['ide', 'creds-file'], ['cli', 'kiro-cli'], ['key', 'api-key']]);
    expect(accounts[0]).toMatchObject({ weight: 3, maxConcurrency: 8, region: 'eu-west-1', apiRegion: 'us-east-1' });
    expect(accounts[1].proxy).toBe('socks5://10.0.0.1:1080');
    expect(accounts[3]).toMatchObject({ priority: 2, disabled: true, weight: 1, maxConcurrency: undefined });
  });

  it('takes a bare array too', () => {
    expect(parseAccountsFile('[{"name":"a","refreshToken":"r"}]').accounts).toHaveLength(1);
  });

  it('reports every problem, naming the account and the field', () => {
    const { accounts, problems } = parseAccountsFile(
      JSON.stringify([
        { name: 'a', refreshToken: 'r', apiKey: 'ksk_x' },
        { name: 'b', apiKey: 'not-a-key' },
        { name: 'c', refreshToken: 'r', weight: 0, proxy: 'ftp://x', region: 'mars' },
        { name: 'a', refreshToken: 'r' },
        { name: 'a', refreshToken: 'r', colour: 'red' },
        { refreshToken: 'r' },
        { name: 'a', credsFile: '/x.json' },
      ]),
    );

    expect(accounts.map((a) => a.name)).toEqual(['a']);
    expect(problems).toEqual([
      'account "a" needs exactly one of refreshToken, credsFile, kiroCliDb or apiKey (has 2)',
      'account "b".apiKey must be a Kiro API key (ksk_…)',
      'account "c".proxy must be an http://, https:// or socks5:// URL',
      'account "c".weight must be a whole number from 1 to 1000',
      'account "c".region must be an AWS region such as us-east-1',
      'account "a" has unknown field(s) colour',
      "accounts[5].name must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit)",
      'accounts[6]: the name "a" is used twice',
    ]);
  });

  it('refuses what is not JSON or not a list', () => {
    expect(parseAccountsFile('{').problems[0]).toMatch(/^is not valid JSON/);
    expect(parseAccountsFile('{"x":1}').problems).toEqual(['must hold {"accounts": [ ... ]} or an array of accounts']);
  });
});

describe('masking', () => {
  it('shows a secret only by its kind and last four characters', () => {
    expect(maskSecret('ksk_0123456789abcdefWXYZ')).toBe('ksk_***WXYZ');
    expect(maskSecret('short')).toBe('***');
  });

  it("hides a proxy's credentials", () => {
    expect(maskProxy('http://user:pass@proxy.local:3128')).toBe('http://***@proxy.local:3128');
  });
});
