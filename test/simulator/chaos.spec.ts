import { Chaos, type ChaosFault } from './chaos';
import { textReply, type StreamScenario } from './scenarios';

const reply = (): StreamScenario => textReply('One two three four five six seven eight nine ten.', { chunkChars: 4 });
const only = (fault: ChaosFault) => new Chaos({ probability: 1, seed: 7, faults: [fault], slowFirstTokenMs: 123 });

describe(Chaos.name, () => {
  it('leaves every call alone at probability 0', () => {
    const chaos = new Chaos({ probability: 0, seed: 1 });
    const scenario = reply();

    expect(chaos.apply(scenario)).toBe(scenario);
    expect(chaos.counts).toStrictEqual({ calls: 1, throttle: 0, error500: 0, cut: 0, exception: 0, slow: 0 });
  });

  it('plays the same faults for the same seed', () => {
    const run = (seed: number) => {
      const chaos = new Chaos({ probability: 0.5, seed });
      return Array.from({ length: 50 }, () => JSON.stringify(chaos.apply(reply())));
    };

    expect(run(42)).toStrictEqual(run(42));
    expect(run(42)).not.toStrictEqual(run(43));
  });

  it('fails about the share of calls asked for, with every fault', () => {
    const chaos = new Chaos({ probability: 0.2, seed: 2024 });
    for (let i = 0; i < 2000; i++) chaos.apply(reply());

    const { calls, ...faults } = chaos.counts;
    const failed = Object.values(faults).reduce((a, b) => a + b, 0);
    expect(calls).toBe(2000);
    expect(failed).toBeGreaterThan(300);
    expect(failed).toBeLessThan(500);
    expect(Object.values(faults).every((n) => n > 30)).toBe(true);
  });

  it('answers 429 or 500 before the stream', () => {
    expect(only('throttle').apply(reply())).toMatchObject({ kind: 'http-error', status: 429 });
    expect(only('error500').apply(reply())).toMatchObject({ kind: 'http-error', status: 500 });
  });

  it('cuts the connection before the last frame', () => {
    const scenario = reply();
    const cut = only('cut').apply(scenario) as StreamScenario;

    expect(cut.cutAfterFrames).toBeLessThan(scenario.events.length - 1);
    expect(cut.events).toStrictEqual(scenario.events);
  });

  it('ends the stream with an exception frame instead of the rest', () => {
    const scenario = reply();
    const broken = only('exception').apply(scenario) as StreamScenario;

    expect(broken.events.at(-1)).toStrictEqual({ type: 'exception', exceptionType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });
    expect(broken.events.length).toBeLessThan(scenario.events.length);
  });

  it('delays the first token', () => {
    expect(only('slow').apply(reply())).toMatchObject({ kind: 'stream', firstByteDelayMs: 123 });
  });

  it('leaves scripted hangs and errors as they are', () => {
    const hang = { kind: 'hang' as const };

    expect(only('cut').apply(hang)).toBe(hang);
  });
});
