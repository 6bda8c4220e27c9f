import { ReasoningSeal } from './reasoning-seal';

describe(ReasoningSeal.name, () => {
  const seal = new ReasoningSeal('proxy-key');

  it('opens what it sealed for the same owner', () => {
    expect(seal.open(seal.seal('I should list the files first.', 'gateway'), 'gateway')).toBe('I should list the files first.');
  });

  it('gives different content for the same text each time', () => {
    expect(seal.seal('same', 'gateway')).not.toBe(seal.seal('same', 'gateway'));
  });

  it('opens content sealed by another instance with the same secret (a replica)', () => {
    expect(new ReasoningSeal('proxy-key').open(seal.seal('shared', 'gateway'), 'gateway')).toBe('shared');
  });

  it.each([
    ['another owner', (s: string) => ({ content: s, owner: 'tenant:abc', secret: 'proxy-key' })],
    ['another secret', (s: string) => ({ content: s, owner: 'gateway', secret: 'other-key' })],
    ['altered content', (s: string) => ({ content: `${s.slice(0, -2)}AA`, owner: 'gateway', secret: 'proxy-key' })],
    ['content of another kind', () => ({ content: 'gAAAAABo-openai-encrypted', owner: 'gateway', secret: 'proxy-key' })],
    ['truncated content', () => ({ content: 'kgr1.AAAA', owner: 'gateway', secret: 'proxy-key' })],
  ])('refuses %s', (_what, make) => {
    const { content, owner, secret } = make(seal.seal('secret thoughts', 'gateway'));

    expect(new ReasoningSeal(secret).open(content, owner)).toBeUndefined();
  });
});
