import { type ClientKey, NO_LIMITS } from '../client-keys/client-key';
import { ownerOf } from './responses.family';

const key = (id: string, source: ClientKey['source']): ClientKey => ({ ...NO_LIMITS, id, name: id, source, digest: '0'.repeat(64), hint: undefined, enabled: true, createdAt: undefined });

describe(ownerOf.name, () => {
  it('gives every client key its own stored responses and sealed reasoning, PROXY_API_KEY keeping `gateway`', () => {
    expect(ownerOf({ kind: 'gateway', key: key('default', 'default') })).toBe('gateway');
    expect(ownerOf({ kind: 'gateway' })).toBe('gateway');
    expect(ownerOf({ kind: 'gateway', key: key('env.ci', 'static') })).toBe('key:env.ci');
    expect(ownerOf({ kind: 'gateway', key: key('key_0123456789ab', 'created') })).toBe('key:key_0123456789ab');
  });

  it('keeps a tenant per refresh token, whichever key it comes with', () => {
    const viaDefault = ownerOf({ kind: 'tenant', refreshToken: 'aorT', tokenHash: 'h', key: key('default', 'default') });
    const viaCreated = ownerOf({ kind: 'tenant', refreshToken: 'aorT', tokenHash: 'h', key: key('key_0123456789ab', 'created') });

    expect(viaDefault).toMatch(/^tenant:[0-9a-f]{64}$/);
    expect(viaCreated).toBe(viaDefault);
    expect(ownerOf({ kind: 'tenant', refreshToken: 'other', tokenHash: 'h' })).not.toBe(viaDefault);
  });
});
