import { affinityKeyOf, AffinityPins } from './affinity-key';

describe(affinityKeyOf.name, () => {
  const sessionA = 'user_abc_account_1111_session_0f8b8c1e-1111-4a2b-9c3d-aaaaaaaaaaaa';

  it('takes X-Claude-Code-Session-Id over everything else', () => {
    const withHeader = affinityKeyOf({ 'x-claude-code-session-id': 's1' }, { metadata: { user_id: sessionA } });

    expect(withHeader).toBe(affinityKeyOf({ 'x-claude-code-session-id': 's1' }, {}));
    expect(withHeader).not.toBe(affinityKeyOf({}, { metadata: { user_id: sessionA } }));
  });

  it("reads the session of Claude Code's metadata.user_id, in both shapes", () => {
    const sameSessionOtherUser = 'user_zzz_account_2222_session_0f8b8c1e-1111-4a2b-9c3d-aaaaaaaaaaaa';

    expect(affinityKeyOf({}, { metadata: { user_id: sessionA } })).toBe(affinityKeyOf({}, { metadata: { user_id: sameSessionOtherUser } }));
    expect(affinityKeyOf({}, { metadata: { user_id: JSON.stringify({ session_id: 'x1' }) } })).toBe(affinityKeyOf({}, { metadata: { user_id: JSON.stringify({ session_id: 'x1', device: 'd' }) } }));
  });

  it('then the session headers, X-Client-Request-Id, session_id, prompt_cache_key', () => {
    const keys = [
      affinityKeyOf({ 'session-id': 'v' }, {}),
      affinityKeyOf({ 'x-session-affinity': 'v' }, {}),
      affinityKeyOf({ 'x-client-request-id': 'v' }, {}),
      affinityKeyOf({}, { session_id: 'v' }),
      affinityKeyOf({}, { prompt_cache_key: 'v' }),
    ];

    expect(keys[0]).toBe(keys[1]);
    expect(new Set(keys).size).toBe(4);
  });

  it('falls back to the first message, whatever follows it', () => {
    const turn1 = { messages: [{ role: 'user', content: 'build me a parser' }] };
    const turn2 = { messages: [{ role: 'user', content: [{ type: 'text', text: 'build me a parser' }] }, { role: 'assistant', content: 'ok' }] };

    expect(affinityKeyOf({}, turn1)).toBe(affinityKeyOf({}, turn2));
    expect(affinityKeyOf({}, { input: 'build me a parser' })).toBe(affinityKeyOf({}, turn1));
  });

  it('has no key for a request with nothing to go by, and never echoes the input', () => {
    expect(affinityKeyOf({}, {})).toBeUndefined();
    expect(affinityKeyOf({ 'x-claude-code-session-id': 'secret-session' }, {})).not.toContain('secret');
  });
});

describe(AffinityPins.name, () => {
  it('forgets a pin unused for its TTL, and keeps a used one alive', () => {
    const pins = new AffinityPins(10, 100);
    pins.set('k', 'a', 0);

    expect(pins.get('k', 90)).toBe('a');
    expect(pins.get('k', 180)).toBe('a');
    expect(pins.get('k', 281)).toBeUndefined();
  });

  it('holds at most its capacity', () => {
    const pins = new AffinityPins(2, 1000);
    for (const key of ['a', 'b', 'c']) pins.set(key, 'x', 0);

    expect(pins.size).toBe(2);
    expect(pins.get('a', 1)).toBeUndefined();
  });
});
