import { AuthenticationError } from '../common/errors';
import { TenantGate, TooManyNewTenantsError } from './tenant-gate';

describe(TenantGate.name, () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 5_000_000;
  });

  it('refuses a token Kiro refused, at the door, for an hour', () => {
    const gate = new TenantGate(0, clock);
    gate.rememberRefused('bogus');

    expect(() => gate.admit('bogus', 'a')).toThrow(AuthenticationError);
    now += 61 * 60 * 1000;
    expect(() => gate.admit('bogus', 'a')).not.toThrow();
  });

  it('does not shut out a token that worked before (a refusal then may be a rotation race)', () => {
    const gate = new TenantGate(0, clock);
    gate.rememberGood('real');
    gate.rememberRefused('real');

    expect(() => gate.admit('real', 'a')).not.toThrow();
  });

  it('admits at most NEW_TENANTS_PER_IP unknown tokens per address and hour; known ones always', () => {
    const gate = new TenantGate(2, clock);
    gate.admit('t1', 'a');
    gate.admit('t2', 'a');
    gate.admit('t1', 'a');
    gate.rememberGood('t9');

    expect(() => gate.admit('t3', 'a')).toThrow(TooManyNewTenantsError);
    expect(() => gate.admit('t9', 'a')).not.toThrow();
    expect(() => gate.admit('t3', 'b')).not.toThrow();
    now += 60 * 60 * 1000;
    expect(() => gate.admit('t3', 'a')).not.toThrow();
  });

  it('says when to try again', () => {
    const gate = new TenantGate(1, clock);
    gate.admit('t1', 'a');
    now += 59 * 60 * 1000;

    expect(() => gate.admit('t2', 'a')).toThrow(expect.objectContaining({ status: 429, retryAfterSeconds: 60 }));
  });
});
