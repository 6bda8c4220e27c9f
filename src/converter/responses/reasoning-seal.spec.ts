import { ReasoningSeal } from './reasoning-seal';

/** A 32-byte key named by one letter. */
const key = (letter: string): Buffer => Buffer.alloc(32, letter);

describe(ReasoningSeal.name, () => {
  const seal = new ReasoningSeal(key('a'));

  it('opens what it sealed for the same owner', () => {
    expect(seal.open(seal.seal('I should list the files first.', 'gateway'), 'gateway')).toBe('I should list the files first.');
  });

  it('gives different content for the same text each time', () => {
    expect(seal.seal('same', 'gateway')).not.toBe(seal.seal('same', 'gateway'));
  });

  it('opens content sealed by another instance with the same secret (a replica)', () => {
    expect(new ReasoningSeal(key('a')).open(seal.seal('shared', 'gateway'), 'gateway')).toBe('shared');
  });

  it.each([
    ['another owner', (s: string) => ({ content: s, owner: 'tenant:abc', secret: key('a') })],
    ['another secret', (s: string) => ({ content: s, owner: 'gateway', secret: key('b') })],
    ['altered content', (s: string) => ({ content: `${s.slice(0, -2)}AA`, owner: 'gateway', secret: key('a') })],
    ['content of another kind', () => ({ content: 'gAAAAABo-openai-encrypted', owner: 'gateway', secret: key('a') })],
    ['truncated content', () => ({ content: 'kgr1.AAAA', owner: 'gateway', secret: key('a') })],
  ])('refuses %s', (_what, make) => {
    const { content, owner, secret } = make(seal.seal('secret thoughts', 'gateway'));

    expect(new ReasoningSeal(secret).open(content, owner)).toBeUndefined();
  });

  it('takes only a 256-bit key, never a passphrase', () => {
    expect(() => new ReasoningSeal(Buffer.from('proxy-key'))).toThrow('A reasoning seal needs a 32-byte key (got 9)');
  });
});
