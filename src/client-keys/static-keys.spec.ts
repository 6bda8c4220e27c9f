import { parseStaticKeys } from './static-keys';

describe(parseStaticKeys.name, () => {
  it('reads comma-separated name:key entries, trimming spaces around them', () => {
    expect(parseStaticKeys(' ci:ci-key-0123456789abcdef , alice:alice-key-0123456789ab')).toEqual({
      keys: [
        { name: 'ci', secret: 'ci-key-0123456789abcdef' },
        { name: 'alice', secret: 'alice-key-0123456789ab' },
      ],
      problems: [],
    });
  });

  it('is empty when unset or blank', () => {
    expect(parseStaticKeys(undefined)).toEqual({ keys: [], problems: [] });
    expect(parseStaticKeys('  ')).toEqual({ keys: [], problems: [] });
  });

  it('names one problem per bad entry, never the key itself, and keeps no key then', () => {
    const parsed = parseStaticKeys('ci:short,no-colon-here,ci:another-key-0123456789,default:default-key-0123456789,bad name:bad-name-key-012345,,ok:ok-key-0123456789abc,dup:PROXY-KEY-0123456789', ['PROXY-KEY-0123456789']);

    expect(parsed.keys).toEqual([]);
    expect(parsed.problems).toEqual([
      "entry 1 ('ci'): the key must be 16 to 512 printable characters without spaces, commas or colons",
      'entry 2 is not name:key',
      "entry 3: the name 'ci' is used twice",
      "entry 4: the name 'default' is PROXY_API_KEY's; choose another",
      'entry 5: the name must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
      'entry 6 is not name:key (it is empty)',
      "entry 8 ('dup'): the key is the same as another key (PROXY_API_KEY, ADMIN_API_KEY or an earlier entry)",
    ]);
    expect(parsed.problems.join(' ')).not.toContain('PROXY-KEY-0123456789');
  });

  it('refuses a key with a colon, which KEY:REFRESH_TOKEN could not tell apart', () => {
    expect(parseStaticKeys('ci:abc:def-0123456789abcdef').problems).toEqual(["entry 1 ('ci'): the key must be 16 to 512 printable characters without spaces, commas or colons"]);
  });
});
