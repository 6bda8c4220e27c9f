import { concat, lastValueFrom, Observable, of, throwError, toArray } from 'rxjs';
import type { AssistantEvent, ToolCallEvent } from '../../converter/assistant/assistant-events';
import { type Reasked, type Recovery, resumable, type ResumeOptions } from './resumable-events';
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
  let cancelled = 0;
  const reask = (partial: PartialTurn): Promise<Reasked> => {
    asked.push({ text: partial.text, calls: partial.toolCalls.length, empty: partial.empty });
    const next = answers.shift();
    return next ? Promise.resolve({ events$: next, cancel: () => cancelled++ }) : Promise.reject(new Error('no answer scripted'));
  };
  return { reask, asked, cancelled: () => cancelled };
}

function run(first$: Observable<AssistantEvent>, reask: ResumeOptions['reask'], overrides: Partial<ResumeOptions> = {}) {
  const recoveries: Array<Pick<Recovery, 'kind' | 'attempt'>> = [];
  const events$ = resumable(first$, {
    maxRetries: 3,
    maxResumes: 2,
    maxPartialChars: 10_000,
    isTransient: (error) => error === cut,
    reask,
    onRecovery: ({ kind, attempt }) => recoveries.push({ kind, attempt }),
    ...overrides,
  });
  return { all: () => lastValueFrom(events$.pipe(toArray())), recoveries };
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
});
