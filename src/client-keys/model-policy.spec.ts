import { ModelPolicy } from './model-policy';

const NO_ALIASES = new Map<string, string>();

describe(ModelPolicy.name, () => {
  it('allows every spelling of an allowed model: dated, hyphenated, [1m], -thinking', () => {
    const policy = new ModelPolicy(['claude-sonnet-4.5'], NO_ALIASES);

    expect(['claude-sonnet-4.5', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5[1m]', 'claude-sonnet-4-5-thinking', 'CLAUDE-SONNET-4.5'].map((m) => policy.allows(m))).toEqual([true, true, true, true, true, true]);
    expect(policy.allows('claude-sonnet-4')).toBe(false);
    expect(policy.allows('claude-opus-4.5')).toBe(false);
  });

  it('follows MODEL_ALIASES before comparing', () => {
    const policy = new ModelPolicy(['claude-sonnet-4.5'], new Map([['gpt-4o', 'claude-sonnet-4.5'], ['gpt-5', 'claude-opus-4.5']]));

    expect(policy.allows('gpt-4o')).toBe(true);
    expect(policy.allows('GPT-4o')).toBe(true);
    expect(policy.allows('gpt-5')).toBe(false);
  });

  it('allows a prefix with a trailing *', () => {
    const policy = new ModelPolicy(['claude-haiku-*'], NO_ALIASES);

    expect(policy.allows('claude-haiku-4.5')).toBe(true);
    expect(policy.allows('claude-haiku-4-5-20251001')).toBe(true);
    expect(policy.allows('claude-sonnet-4.5')).toBe(false);
  });

  describe('with MODEL_ALIASES=claude-sonnet-4.5=claude-opus-4.5 (the model served decides)', () => {
    const aliases = new Map([['claude-sonnet-4.5', 'claude-opus-4.5']]);

    it('refuses every spelling of the aliased name to a key allowing only that name: opus would serve it', () => {
      const policy = new ModelPolicy(['claude-sonnet-4.5'], aliases);

      expect(['claude-sonnet-4.5', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-thinking'].map((m) => policy.allows(m))).toEqual([false, false, false, false]);
      expect(policy.allows('claude-opus-4.5')).toBe(false);
    });

    it('refuses the dated name to a key listing it: routing serves it with opus as well', () => {
      const policy = new ModelPolicy(['claude-sonnet-4-5-20250929'], aliases);

      expect(policy.allows('claude-sonnet-4-5-20250929')).toBe(false);
      expect(policy.allows('claude-sonnet-4.5')).toBe(false);
    });

    it('allows every spelling of the aliased name to a key allowing the model it leads to', () => {
      const policy = new ModelPolicy(['claude-opus-4.5'], aliases);

      expect(['claude-sonnet-4.5', 'claude-sonnet-4-5-20250929', 'claude-opus-4-5', 'claude-opus-4.5'].map((m) => policy.allows(m))).toEqual([true, true, true, true]);
    });
  });

  it('compares a prefix with dots and hyphens alike', () => {
    const hyphenated = new ModelPolicy(['claude-sonnet-4-*'], NO_ALIASES);
    const dotted = new ModelPolicy(['claude-sonnet-4.*'], NO_ALIASES);

    for (const policy of [hyphenated, dotted]) {
      expect(['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5', 'claude-sonnet-4-6', 'claude-sonnet-4'].map((m) => policy.allows(m))).toEqual([true, true, true, false]);
    }
  });

  it('checks a prefix against the model an alias leads to', () => {
    const policy = new ModelPolicy(['claude-haiku-*'], new Map([['fast', 'claude-haiku-4.5'], ['claude-haiku-4.5', 'claude-opus-4.5']]));

    expect(policy.allows('fast')).toBe(true);
    expect(policy.allows('claude-haiku-4-5-20251001')).toBe(false);
  });

  it('allows anything when the list is empty', () => {
    expect(new ModelPolicy([], NO_ALIASES).allows('whatever-model')).toBe(true);
  });
});
