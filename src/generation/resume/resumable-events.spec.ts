import { concat, lastValueFrom, Observable, of, Subject, throwError, toArray } from 'rxjs';
import type { AssistantEvent, ToolCallEvent } from '../../converter/assistant/assistant-events';
import { type Reasked, type Recovery, RecoveryBudget, resumable, type ResumeOptions, type ToolCallRecoveryOutcome } from './resumable-events';
import type { PartialTurn } from './partial-turn';

const cut = new Error('cut mid-stream');
const refused = new Error('refused');
const end = (finishReason: 'stop' | 'tool_calls' = 'stop'): AssistantEvent => ({ type: 'end', finishReason, usage: { inputTokens: 1, outputTokens: 1 } });
const text = (t: string): AssistantEvent => ({ type: 'text', text: t });
const call = (index: number, args = '{"command":"ls"}'): ToolCallEvent => ({ type: 'toolCall', index, id: `tooluse_${index}`, name: 'Bash', arguments: args, input: JSON.parse(args) as Record<string, unknown> });
const failing = (...events: AssistantEvent[]) => concat(of(...events), throwError(() => cut));

/** A fake Kiro: each re-ask answers the next script and remembers the partial turn it was given. */
function fakeKiro(...answers: Array<Observable<AssistantEvent>>) {
  const asked: Array<{ text: string; calls: number; empty: boolean }> = [];
  /** The cut-off tool calls each re-ask asked for (undefined: a plain retry or resume). */
  const cuts: Array<readonly string[] | undefined> = [];
  let cancelled = 0;
  const reask = (partial: PartialTurn, cutToolCalls?: readonly string[]): Promise<Reasked> => {
    asked.push({ text: partial.text, calls: partial.toolCalls.length, empty: partial.empty });
    cuts.push(cutToolCalls);
    const next = answers.shift();
    return next ? Promise.resolve({ events$: next, cancel: () => cancelled++ }) : Promise.reject(new Error('no answer scripted'));
  };
  return { reask, asked, cuts, cancelled: () => cancelled };
}

function run(first$: Observable<AssistantEvent>, reask: ResumeOptions['reask'], overrides: Partial<ResumeOptions> = {}) {
  const recoveries: Array<Pick<Recovery, 'kind' | 'attempt'>> = [];
  const outcomes: ToolCallRecoveryOutcome[] = [];
  const events$ = resumable(first$, {
    maxRetries: 3,
    maxResumes: 2,
    maxPartialChars: 10_000,
    recoverCutToolCalls: true,
    isTransient: (error) => error === cut,
    reask,
    onRecovery: ({ kind, attempt }) => recoveries.push({ kind, attempt }),
    onToolCallRecovery: (outcome) => outcomes.push(outcome),
    ...overrides,
  });
  return { all: () => lastValueFrom(events$.pipe(toArray())), recoveries, outcomes };
}

describe(resumable.name, () => {
  it('asks again with the original conversation when a call fails before anything was passed on', async () => {
    const kiro = fakeKiro(of(text('Hello.'), end()));
    const { all, recoveries } = run(failing(), kiro.reask);

    expect(await all()).toStrictEqual([text('Hello.'), end()]);
    expect(kiro.asked).toStrictEqual([{ text: '', calls: 0, empty: true }]);
    expect(recoveries).toStrictEqual([{ kind: 'retry', attempt: 1 }]);
  });

  it('resumes after text was passed on, dropping what the continuation restates', async () => {
    const kiro = fakeKiro(of(text('Part one, and then part two '), text('goes on to the end.'), end()));
    const { all, recoveries } = run(failing(text('Part one, and then part two ')), kiro.reask);

    expect(await all()).toStrictEqual([text('Part one, and then part two '), text('goes on to the end.'), end()]);
    expect(kiro.asked).toStrictEqual([{ text: 'Part one, and then part two ', calls: 0, empty: false }]);
    expect(recoveries).toStrictEqual([{ kind: 'resume', attempt: 1 }]);
  });

  it('gives up after the resumes allowed: the last failure goes on', async () => {
    const kiro = fakeKiro(failing(text('b')), failing(text('c')));
    const { all, recoveries } = run(failing(text('a')), kiro.reask);

    await expect(all()).rejects.toBe(cut);
    expect(recoveries.map((r) => r.kind)).toStrictEqual(['resume', 'resume']);
  });

  it('does not resume when resuming is off', async () => {
    const kiro = fakeKiro();
    const { all } = run(failing(text('a')), kiro.reask, { maxResumes: 0 });

    await expect(all()).rejects.toBe(cut);
    expect(kiro.asked).toStrictEqual([]);
  });

  it('does not ask again after a failure asking again cannot fix', async () => {
    const kiro = fakeKiro();
    const { all } = run(throwError(() => refused), kiro.reask);

    await expect(all()).rejects.toBe(refused);
    expect(kiro.asked).toStrictEqual([]);
  });

  it('counts a re-ask that fails itself against the same budget', async () => {
    const reask = () => Promise.reject(cut);
    const { all, recoveries } = run(failing(text('a')), reask);

    await expect(all()).rejects.toBe(cut);
    expect(recoveries.map((r) => r.kind)).toStrictEqual(['resume', 'resume']);
  });

  it('shares one budget between the streams of one response: a second stream resumes no more once the first spent it', async () => {
    const budget = new RecoveryBudget();
    const firstRound = run(failing(text('a')), fakeKiro(of(text('a, then b.'), end())).reask, { budget, maxResumes: 1 });
    await firstRound.all();
    const kiro = fakeKiro(of(text('c, then d.'), end()));

    await expect(run(failing(text('c')), kiro.reask, { budget, maxResumes: 1 }).all()).rejects.toBe(cut);
    expect(kiro.asked).toStrictEqual([]);
  });

  it('counts the retries of a response across its streams too', async () => {
    const budget = new RecoveryBudget();
    await run(failing(), fakeKiro(of(end())).reask, { budget, maxRetries: 1 }).all();
    const kiro = fakeKiro(of(end()));

    await expect(run(failing(), kiro.reask, { budget, maxRetries: 1 }).all()).rejects.toBe(cut);
    expect(kiro.asked).toStrictEqual([]);
  });

  it('numbers the continuation’s tool calls on and leaves out a call already passed on', async () => {
    const kiro = fakeKiro(of(call(0), call(1, '{"command":"pwd"}'), end('tool_calls')));
    const events = await run(failing(text('Two calls. '), call(0)), kiro.reask).all();

    expect(events).toStrictEqual([text('Two calls. '), call(0), call(1, '{"command":"pwd"}'), end('tool_calls')]);
  });

  it('ends a resumed turn whose calls were all passed on before as tool_calls', async () => {
    const kiro = fakeKiro(of(call(0), end('tool_calls')));
    const events = await run(failing(call(0)), kiro.reask).all();

    expect(events).toStrictEqual([call(0), end('tool_calls')]);
  });

  it('drops the continuation’s reasoning once the answer had started', async () => {
    const kiro = fakeKiro(of({ type: 'reasoning', text: 'again' } as AssistantEvent, text('rest of the answer here'), end()));
    const events = await run(failing(text('Start ')), kiro.reask).all();

    expect(events).toStrictEqual([text('Start '), text('rest of the answer here'), end()]);
  });

  it('cancels a re-asked call whose events nobody will read', async () => {
    let unsubscribe: () => void = () => undefined;
    const kiro = fakeKiro(of(end()));
    const reask = async (partial: PartialTurn) => {
      await Promise.resolve();
      unsubscribe();
      return kiro.reask(partial);
    };
    const subscription = resumable(failing(), { maxRetries: 1, maxResumes: 1, maxPartialChars: 10, isTransient: () => true, reask }).subscribe();
    unsubscribe = () => subscription.unsubscribe();
    await new Promise((resolve) => setImmediate(resolve));

    expect(kiro.cancelled()).toBe(1);
  });

  describe('a tool call Kiro cut off mid-arguments', () => {
    const cutEnd = (...tools: string[]): AssistantEvent => ({ type: 'end', finishReason: 'length', usage: { inputTokens: 1, outputTokens: 1 }, cutToolCalls: tools });
    const write = (index: number, content: string) => call(index, JSON.stringify({ file_path: '/tmp/f', content }));

    it('is asked for once more, and the whole call that comes is spliced in instead of the cut turn’s end', async () => {
      const kiro = fakeKiro(of(text('Writing it in parts.'), write(0, 'part one'), end('tool_calls')));
      const { all, recoveries, outcomes } = run(of(text('Writing it. '), cutEnd('Write')), kiro.reask);

      expect(await all()).toStrictEqual([text('Writing it. '), text('Writing it in parts.'), write(0, 'part one'), end('tool_calls')]);
      expect(kiro.asked).toStrictEqual([{ text: 'Writing it. ', calls: 0, empty: false }]);
      expect(kiro.cuts).toStrictEqual([['Write']]);
      expect(recoveries).toStrictEqual([{ kind: 'tool_call', attempt: 1 }]);
      expect(outcomes).toStrictEqual(['recovered']);
    });

    it('keeps the calls already passed on: the recovered call is numbered on, a restated one left out', async () => {
      const kiro = fakeKiro(of(call(0), write(1, 'small'), end('tool_calls')));
      const events = await run(of(call(0), cutEnd('Write')), kiro.reask).all();

      expect(events).toStrictEqual([call(0), write(1, 'small'), end('tool_calls')]);
    });

    it('is asked for when nothing was passed on yet, too', async () => {
      const kiro = fakeKiro(of(write(0, 'small'), end('tool_calls')));
      const events = await run(of(cutEnd('Write')), kiro.reask).all();

      expect(events).toStrictEqual([write(0, 'small'), end('tool_calls')]);
      expect(kiro.cuts).toStrictEqual([['Write']]);
    });

    it('reports the credits of the cut turn with those of the answer asked again: both were billed', async () => {
      const billed = (event: AssistantEvent, credits: number): AssistantEvent => (event.type === 'end' ? { ...event, usage: { ...event.usage, credits } } : event);
      const kiro = fakeKiro(of(write(0, 'small'), billed(end('tool_calls'), 0.25)));
      const events = await run(of(billed(cutEnd('Write'), 0.5)), kiro.reask).all();

      expect(events.at(-1)).toStrictEqual(billed(end('tool_calls'), 0.75));
    });

    it('still ends as cut short when the answer asked again makes no call, so the client goes on by itself', async () => {
      const kiro = fakeKiro(of(text('I will do it in parts.'), end()));
      const { all, outcomes } = run(of(text('First. '), cutEnd('Write')), kiro.reask);

      expect(await all()).toStrictEqual([text('First. '), text('I will do it in parts.'), cutEnd('Write')]);
      expect(outcomes).toStrictEqual(['no_call']);
    });

    it('is asked for only once: cut again, the turn ends as the second answer ended', async () => {
      const kiro = fakeKiro(of(text('Trying again. '), cutEnd('Write')), of(end()));
      const { all, outcomes } = run(of(text('First. '), cutEnd('Write')), kiro.reask);

      expect(await all()).toStrictEqual([text('First. '), text('Trying again. '), cutEnd('Write')]);
      expect(kiro.asked).toHaveLength(1);
      expect(outcomes).toStrictEqual(['cut_again']);
    });

    it('ends the turn as it would have when asking again fails before passing anything on', async () => {
      const kiro = fakeKiro(failing());
      const { all, outcomes } = run(of(text('First. '), cutEnd('Write')), kiro.reask);

      expect(await all()).toStrictEqual([text('First. '), cutEnd('Write')]);
      expect(outcomes).toStrictEqual(['failed']);
    });

    it('ends the turn as it would have when the re-ask is refused', async () => {
      const { all, outcomes } = run(of(text('First. '), cutEnd('Write')), () => Promise.reject(refused));

      expect(await all()).toStrictEqual([text('First. '), cutEnd('Write')]);
      expect(outcomes).toStrictEqual(['failed']);
    });

    it('resumes a re-ask that fails after passing something on, still asking for the cut call', async () => {
      const kiro = fakeKiro(failing(text('Here is the first part of it. ')), of(write(0, 'part one'), end('tool_calls')));
      const { all, recoveries } = run(of(text('First. '), cutEnd('Write')), kiro.reask);

      expect(await all()).toStrictEqual([text('First. '), text('Here is the first part of it. '), write(0, 'part one'), end('tool_calls')]);
      expect(recoveries).toStrictEqual([{ kind: 'tool_call', attempt: 1 }, { kind: 'resume', attempt: 2 }]);
      expect(kiro.cuts).toStrictEqual([['Write'], ['Write']]);
    });

    it('ends as cut short, not failed, when the re-ask passes something on and then fails with the resumes spent', async () => {
      const kiro = fakeKiro(failing(text('Here is the first part of it. ')));
      const { all, outcomes } = run(of(text('First. '), cutEnd('Write')), kiro.reask, { maxResumes: 1 });

      expect(await all()).toStrictEqual([text('First. '), text('Here is the first part of it. '), cutEnd('Write')]);
      expect(kiro.asked).toHaveLength(1);
      expect(outcomes).toStrictEqual(['failed']);
    });

    it('ends as cut short, not failed, when the re-ask passes something on and then fails for good', async () => {
      const kiro = fakeKiro(concat(of(text('Here is the first part of it. ')), throwError(() => refused)));
      const { all, outcomes } = run(of(text('First. '), cutEnd('Write')), kiro.reask);

      expect(await all()).toStrictEqual([text('First. '), text('Here is the first part of it. '), cutEnd('Write')]);
      expect(outcomes).toStrictEqual(['failed']);
    });

    it('is not asked for when the context window is full: a longer prompt cannot fit, and the end stays as Kiro said', async () => {
      const windowEnd: AssistantEvent = { type: 'end', finishReason: 'context_window', usage: { inputTokens: 1, outputTokens: 1 }, cutToolCalls: ['Write'] };
      const kiro = fakeKiro();
      const { all, outcomes } = run(of(text('First. '), windowEnd), kiro.reask);

      expect(await all()).toStrictEqual([text('First. '), windowEnd]);
      expect(kiro.asked).toStrictEqual([]);
      expect(outcomes).toStrictEqual([]);
    });

    it('is asked for once per response: not again in a later stream of it', async () => {
      const budget = new RecoveryBudget();
      await run(of(cutEnd('Write')), fakeKiro(of(text('Searching first.'), end())).reask, { budget }).all();
      const kiro = fakeKiro(of(write(0, 'small'), end('tool_calls')));

      expect(await run(of(cutEnd('Write')), kiro.reask, { budget }).all()).toStrictEqual([cutEnd('Write')]);
      expect(kiro.asked).toStrictEqual([]);
    });

    it('is not asked for when TOOL_CALL_RECOVERY is off', async () => {
      const kiro = fakeKiro();
      const events = await run(of(text('First. '), cutEnd('Write')), kiro.reask, { recoverCutToolCalls: false }).all();

      expect(events).toStrictEqual([text('First. '), cutEnd('Write')]);
      expect(kiro.asked).toStrictEqual([]);
    });

    it('takes one of the resumes: not asked for when they are spent', async () => {
      const kiro = fakeKiro(of(text('goes on, and then stops.'), cutEnd('Write')));
      const { all, recoveries } = run(failing(text('Starts and ')), kiro.reask, { maxResumes: 1 });

      expect(await all()).toStrictEqual([text('Starts and '), text('goes on, and then stops.'), cutEnd('Write')]);
      expect(recoveries).toStrictEqual([{ kind: 'resume', attempt: 1 }]);
      expect(kiro.asked).toHaveLength(1);
    });

    it('passes an ordinary end on at once: only a cut turn’s end waits', async () => {
      const source = new Subject<AssistantEvent>();
      const seen: AssistantEvent[] = [];
      resumable(source, { maxRetries: 1, maxResumes: 1, maxPartialChars: 10, recoverCutToolCalls: true, isTransient: () => true, reask: () => Promise.reject(refused) }).subscribe((event) => seen.push(event));

      source.next(call(0));
      source.next(end('tool_calls'));

      expect(seen).toStrictEqual([call(0), end('tool_calls')]);
    });
  });
});
