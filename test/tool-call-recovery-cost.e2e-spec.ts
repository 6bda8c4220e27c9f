import { median } from '../bench/lib/stats';
import { type SimEvent, type StreamScenario, textEvents, toolCallEvents } from './simulator';
import { type Harness, PROXY_KEY, startHarness } from './support/gateway-harness';

/**
 * What recovering cut-off tool calls costs in time, measured (not bounded: the machine is
 * shared), through a streamed Anthropic request, alternating a gateway with TOOL_CALL_RECOVERY
 * on and one with it off against the same simulator timing (frames 2 ms apart):
 *
 * - a turn whose tool call is whole: the moment the client has the whole call, and the end.
 *   Tool calls were already passed on only whole (generation/resume/), so recovery holds nothing
 *   more on such a turn: the figures should be equal within noise;
 * - a turn whose call Kiro cuts off: the end, with one re-ask (on) and without (off).
 *
 * The medians are printed; what is asserted is what each run did (Kiro calls, the call whole).
 */
const RUNS = 15;
const FRAME_DELAY_MS = 2;
const WRITE_TOOL = { name: 'Write', description: 'Write a file', input_schema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } }, required: ['path', 'content'] } };
const ARGS = JSON.stringify({ path: 'big.txt', content: 'line of the file\n'.repeat(400) });

const wholeCall = (): StreamScenario => ({
  kind: 'stream' as const,
  frameDelayMs: FRAME_DELAY_MS,
  events: [...textEvents('Writing the file. '), ...toolCallEvents('tooluse_whole', 'Write', ARGS, 40), { type: 'contextUsage', percentage: 2 }, { type: 'metering', usage: 0.01 }],
});
const cutCall = (): StreamScenario => ({
  kind: 'stream' as const,
  frameDelayMs: FRAME_DELAY_MS,
  events: [...textEvents('Writing the file. '), ...toolCallEvents('tooluse_cut', 'Write', ARGS, 40).filter((event: SimEvent) => !(event.type === 'toolUse' && event.stop)).slice(0, 20)],
});

interface Timing {
  /** From sending the request to the client holding the whole tool call (its block's stop), ms. */
  call: number | undefined;
  /** To message_stop, ms. */
  end: number;
  kiroCalls: number;
}

describe('what recovering cut-off tool calls costs in time (e2e, measured)', () => {
  jest.setTimeout(120_000);
  let on: Harness;
  let off: Harness;

  beforeAll(async () => {
    on = await startHarness({ env: { FAKE_REASONING: 'false', TOOL_CALL_RECOVERY: 'true' } });
    off = await startHarness({ env: { FAKE_REASONING: 'false', TOOL_CALL_RECOVERY: 'false' } });
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  it('holds nothing more on a turn whose call is whole; a cut call costs one more Kiro answer', async () => {
    const timings = { wholeOn: [] as Timing[], wholeOff: [] as Timing[], cutOn: [] as Timing[], cutOff: [] as Timing[] };
    for (let run = 0; run < RUNS; run++) {
      // Alternating which goes first, so that neither gets the warmer process every time.
      const pairs: Array<() => Promise<void>> = [
        async () => void timings.wholeOn.push(await timed(on, wholeCall())),
        async () => void timings.wholeOff.push(await timed(off, wholeCall())),
        async () => void timings.cutOn.push(await timed(on, cutCall(), wholeCall())),
        async () => void timings.cutOff.push(await timed(off, cutCall())),
      ];
      for (const measure of run % 2 === 0 ? pairs : [...pairs].reverse()) await measure();
    }

    expect(timings.wholeOn.every((t) => t.kiroCalls === 1 && t.call !== undefined)).toBe(true);
    expect(timings.wholeOff.every((t) => t.kiroCalls === 1 && t.call !== undefined)).toBe(true);
    expect(timings.cutOn.every((t) => t.kiroCalls === 2 && t.call !== undefined)).toBe(true);
    expect(timings.cutOff.every((t) => t.kiroCalls === 1 && t.call === undefined)).toBe(true);
    const m = (list: Timing[], key: 'call' | 'end') => median(list.map((t) => t[key] ?? Number.NaN)).toFixed(1);
    process.stdout.write(
      `\nTool-call recovery, medians of ${RUNS} streamed Anthropic requests (frames ${FRAME_DELAY_MS} ms apart, a ${ARGS.length}-character call in 40 fragments):\n` +
        `  whole call, recovery on : call complete at ${m(timings.wholeOn, 'call')} ms, end at ${m(timings.wholeOn, 'end')} ms\n` +
        `  whole call, recovery off: call complete at ${m(timings.wholeOff, 'call')} ms, end at ${m(timings.wholeOff, 'end')} ms\n` +
        `  cut call,   recovery on : whole call (re-asked) at ${m(timings.cutOn, 'call')} ms, end at ${m(timings.cutOn, 'end')} ms\n` +
        `  cut call,   recovery off: no call, end at ${m(timings.cutOff, 'end')} ms\n`,
    );
  });
});

/** One streamed request against scripted answers, timed at the client as its SSE bytes arrive. */
async function timed(h: Harness, ...answers: StreamScenario[]): Promise<Timing> {
  h.sim.reset();
  h.sim.enqueue(...answers);
  const started = performance.now();
  const res = await fetch(`${h.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': PROXY_KEY },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 1000, stream: true, tools: [WRITE_TOOL], messages: [{ role: 'user', content: 'Write big.txt' }] }),
  });
  let text = '';
  let call: number | undefined;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    // The tool block's start, its whole input and its stop go out together (one tick, one write).
    const toolBlock = text.indexOf('"type":"tool_use"');
    if (call === undefined && toolBlock >= 0 && text.includes('"type":"content_block_stop"', toolBlock)) call = performance.now() - started;
  }
  const end = performance.now() - started;
  if (!text.includes('"type":"message_stop"')) throw new Error(`the stream did not end: ${text.slice(-300)}`);
  return { call, end, kiroCalls: h.sim.requests.filter((r) => r.path === '/generateAssistantResponse').length };
}
