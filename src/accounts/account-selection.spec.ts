import { DecayingCounter, RoundRobinState, selectAccount, type SelectionCandidate } from './account-selection';

const account = (name: string, extra: Partial<SelectionCandidate> = {}): SelectionCandidate => ({ name, priority: 0, weight: 1, inFlight: 0, recentUse: 0, ...extra });

describe(selectAccount.name, () => {
  it('uses the lowest priority tier that has an account', () => {
    const picked = selectAccount([account('backup', { priority: 5 }), account('main', { priority: 1 })], 'round_robin', new RoundRobinState());

    expect(picked?.name).toBe('main');
  });

  it('priority fills the first account of the tier', () => {
    const rr = new RoundRobinState();
    const picks = [1, 2, 3].map(() => selectAccount([account('a', { inFlight: 5 }), account('b')], 'priority', rr)?.name);

    expect(picks).toEqual(['a', 'a', 'a']);
  });

  it('round_robin follows the weights, smoothly', () => {
    const rr = new RoundRobinState();
    const tier = [account('a', { weight: 2 }), account('b', { weight: 1 })];

    const picks = Array.from({ length: 6 }, () => selectAccount(tier, 'round_robin', rr)?.name);

    expect(picks).toEqual(['a', 'b', 'a', 'a', 'b', 'a']);
  });

  it('least_used picks the lowest in-flight plus recent use per weight', () => {
    const picked = selectAccount(
      [account('busy', { inFlight: 3, recentUse: 2 }), account('heavy', { inFlight: 4, recentUse: 4, weight: 4 }), account('idle', { recentUse: 3 })],
      'least_used',
      new RoundRobinState(),
    );

    expect(picked?.name).toBe('heavy');
  });

  it('answers undefined with no candidate', () => {
    expect(selectAccount([], 'least_used', new RoundRobinState())).toBeUndefined();
  });
});

describe(DecayingCounter.name, () => {
  it('halves per half-life', () => {
    const counter = new DecayingCounter(1000, 0, 0);
    counter.add(0, 8);

    expect(counter.read(1000)).toBeCloseTo(4);
    expect(counter.read(3000)).toBeCloseTo(1);
  });
});
