import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { KiroSimulator, type Scenario, type SimEvent, textReply } from './simulator';
import { framesOf } from './simulator/scenario-frames';
import { measureStall, type StallReport } from './support/event-loop-probe';
import { parseSse } from './support/gateway-harness';
import { startGatewayProcess, type RunningProcess } from './support/processes';

/**
 * The event-loop budget (issue 13): no single request may hold the gateway's one event loop.
 * Each worst case is sent to a gateway running as its own process while `/health/live` is polled
 * back to back (from a worker thread of the test process); a poll slower than STALL_BUDGET_MS,
 * confirmed by the gateway's own event-loop delay maximum over the same window (its
 * `perf_hooks.monitorEventLoopDelay`, as prom-client exports it), fails the case. A real stall
 * shows in both witnesses; a hiccup of one process's scheduling on this shared machine shows in
 * one. Cases are scaled to the body limit (BODY_LIMIT's default, 20 MB); each bound is also tried
 * just under it, where the work is really done. New cases join the table.
 *
 * A case over budget is measured again, up to RETRIES times, and fails only if it is over budget
 * every time (a real stall repeats; a scheduling hiccup does not).
 */
const STALL_BUDGET_MS = 100;
const RETRIES = 2;
const KEY = 'stall-test-key';
const BODY_LIMIT_BYTES = 20 * 1024 * 1024;
/** The largest base64 string under MAX_IMAGE_BYTES' default (5 MB decoded). */
const IMAGE_BOUND_CHARS = Math.floor((5 * 1024 * 1024 * 4) / 3) - 4;

interface WorstCase {
  /** What is sent, and the issue item it covers. */
  name: string;
  path: string;
  headers?: Record<string, string>;
  /** Built before the measurement starts (building it must not count as the gateway's stall). */
  body: () => Buffer;
  /** Scripted Kiro answers, for cases about the answer's processing. */
  upstream?: () => Scenario[];
  /** The status the gateway must answer with, and a part of its error message when it is one. */
  status: number;
  says?: string;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const auth = { Authorization: `Bearer ${KEY}` };
const tenant = { Authorization: `Bearer ${KEY}:anything-at-all-tenant` };
const anthropic = { ...auth, 'anthropic-version': '2023-06-01' };
const hi = [{ role: 'user', content: 'hi' }];

const base64Image = (data: string) => ({ type: 'image', source: { type: 'base64', media_type: 'image/png', data } });
const equalsRun = (length: number) => `${'='.repeat(length)}A`;
const anthropicTools = (count: number, last = 'tool_last') =>
  Array.from({ length: count }, (_, i) => ({ name: i === count - 1 ? last : `tool_${i}`, input_schema: { type: 'object' } }));
const toolCallPairs = (pairs: number) =>
  Array.from({ length: pairs }, () => [
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_x', type: 'function', function: { name: 't', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'call_x', content: 'ok' },
  ]).flat();
const spaces = (count: number): SimEvent[] => Array.from({ length: count }, () => ({ type: 'text', content: ' ' }));
/** Stop sequences that match long prefixes of an all-`a` answer and never end: the costliest to follow. */
const nearMisses = (count: number) => Array.from({ length: count }, (_, i) => `${'a'.repeat(999 - i)}b`);

const CASES: WorstCase[] = [
  {
    name: 'item 1: count_tokens with an image of 20 MB of "=" then "A"',
    path: '/v1/messages/count_tokens',
    headers: tenant,
    body: () => json({ model: 'auto', messages: [{ role: 'user', content: [base64Image(equalsRun(BODY_LIMIT_BYTES - 1024))] }] }),
    status: 400,
    says: 'MAX_IMAGE_BYTES',
  },
  {
    name: 'item 1: count_tokens with an image of "=" then "A" just under MAX_IMAGE_BYTES',
    path: '/v1/messages/count_tokens',
    headers: tenant,
    body: () => json({ model: 'auto', messages: [{ role: 'user', content: [base64Image(equalsRun(IMAGE_BOUND_CHARS))] }] }),
    status: 400,
    says: 'base64',
  },
  {
    name: 'item 1: chat completions with a data URL of "=" then "A" just under MAX_IMAGE_BYTES',
    path: '/v1/chat/completions',
    headers: auth,
    body: () => json({ model: 'auto', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${equalsRun(IMAGE_BOUND_CHARS)}` } }] }] }),
    status: 400,
  },
  {
    name: 'item 1: Responses with a data URL of "=" then "A" just under MAX_IMAGE_BYTES',
    path: '/v1/responses',
    headers: auth,
    body: () => json({ model: 'auto', input: [{ role: 'user', content: [{ type: 'input_image', image_url: `data:image/png;base64,${equalsRun(IMAGE_BOUND_CHARS)}` }] }] }),
    status: 400,
  },
  {
    name: 'item 2: count_tokens with 20,000 tools',
    path: '/v1/messages/count_tokens',
    headers: anthropic,
    body: () => json({ model: 'auto', messages: hi, tools: anthropicTools(20_000) }),
    status: 400,
    says: 'MAX_TOOLS',
  },
  {
    name: 'item 2: count_tokens with MAX_TOOLS tools, the last one declared twice',
    path: '/v1/messages/count_tokens',
    headers: anthropic,
    body: () => json({ model: 'auto', messages: hi, tools: anthropicTools(1_000, 'tool_0') }),
    status: 400,
    says: 'declared twice',
  },
  {
    name: 'item 2: Responses with 20,000 tools',
    path: '/v1/responses',
    headers: auth,
    body: () => json({ model: 'auto', input: 'hi', tools: Array.from({ length: 20_000 }, (_, i) => ({ type: 'function', name: `tool_${i}`, parameters: { type: 'object' } })) }),
    status: 400,
    says: 'MAX_JSON_ELEMENTS',
  },
  {
    name: 'item 2: Responses with MAX_TOOLS tools',
    path: '/v1/responses',
    headers: auth,
    body: () => json({ model: 'auto', input: 'hi', reasoning: { effort: 'minimal' }, tools: Array.from({ length: 1_000 }, (_, i) => ({ type: 'function', name: `tool_${i}`, parameters: { type: 'object' } })) }),
    status: 200,
  },
  {
    name: 'item 3: 15,000 assistant tool calls all with id call_x',
    path: '/v1/chat/completions',
    headers: auth,
    body: () => json({ model: 'auto', tools: [{ type: 'function', function: { name: 't', parameters: { type: 'object' } } }], messages: [...hi, ...toolCallPairs(15_000)] }),
    status: 400,
    says: 'MAX_JSON_ELEMENTS',
  },
  {
    name: 'item 3: just under MAX_MESSAGES of assistant tool calls all with id call_x',
    path: '/v1/chat/completions',
    headers: auth,
    body: () => json({ model: 'auto', tools: [{ type: 'function', function: { name: 't', parameters: { type: 'object' } } }], messages: [...hi, ...toolCallPairs(2_499)] }),
    status: 400,
    says: 'KIRO_MAX_PAYLOAD_BYTES',
  },
  {
    name: 'item 4: 10,000 stop sequences against a 64 KB answer',
    path: '/v1/chat/completions',
    headers: auth,
    body: () => json({ model: 'auto', messages: hi, stop: Array.from({ length: 10_000 }, (_, i) => `${'a'.repeat(40)}${i}`) }),
    upstream: () => [textReply('a'.repeat(64 * 1024), { chunkChars: 64 })],
    status: 400,
    says: "OpenAI's limit",
  },
  {
    name: 'item 4: MAX_STOP_SEQUENCES near misses of 1,000 characters against a 256 KB answer',
    path: '/v1/messages',
    headers: anthropic,
    body: () => json({ model: 'auto', max_tokens: 100, messages: hi, stop_sequences: nearMisses(16) }),
    upstream: () => [textReply('a'.repeat(256 * 1024), { chunkChars: 64 })],
    status: 200,
  },
  {
    name: 'item 5: an answer that starts with 100,000 spaces, one per frame',
    path: '/v1/chat/completions',
    headers: auth,
    body: () => json({ model: 'auto', messages: hi }),
    upstream: () => [{ kind: 'stream', split: 'whole', events: [...spaces(100_000), { type: 'text', content: 'done' }] }],
    status: 200,
  },
  {
    name: 'item 5: a streamed answer that starts with 100,000 spaces, one per frame',
    path: '/v1/chat/completions',
    headers: auth,
    body: () => json({ model: 'auto', stream: true, messages: hi }),
    upstream: () => [{ kind: 'stream', split: 'whole', events: [...spaces(100_000), { type: 'text', content: 'done' }] }],
    status: 200,
  },
  {
    name: 'item 5: a written-out tool call whose "]" follows 100,000 spaces, one per frame',
    path: '/v1/chat/completions',
    headers: auth,
    body: () => json({ model: 'auto', messages: hi, tools: [{ type: 'function', function: { name: 't', parameters: { type: 'object' } } }] }),
    upstream: () => [{ kind: 'stream', split: 'whole', events: [{ type: 'text', content: '[Called t with args: {}' }, ...spaces(100_000), { type: 'text', content: ']' }] }],
    status: 200,
  },
  {
    name: 'item 6: a gzip body that inflates 1000-fold, without a key',
    path: '/v1/chat/completions',
    headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    body: () => gzipSync(json({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT_BYTES - 1024) }] })),
    status: 401,
  },
  {
    name: 'item 6: a gzip body that inflates 1000-fold, with the key',
    path: '/v1/chat/completions',
    headers: { ...auth, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    body: () => gzipSync(json({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT_BYTES - 1024) }] })),
    status: 413,
    says: 'BODY_MAX_INFLATE_RATIO',
  },
  {
    name: 'item 7: a 20,000-deep UTF-16 body whose "∀" hides the brackets from a byte scan',
    path: '/v1/chat/completions',
    headers: { ...auth, 'Content-Type': 'application/json; charset=utf-16le' },
    body: () => Buffer.from(`{"model":"auto","messages":[{"role":"user","content":"∀"}],"metadata":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, 'utf16le'),
    status: 415,
  },
  {
    name: 'body limit: ten million numbers',
    path: '/v1/messages',
    headers: anthropic,
    body: () => Buffer.from(`{"model":"auto","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"metadata":{"n":[${'1,'.repeat(BODY_LIMIT_BYTES / 2 - 200)}1]}}`),
    status: 400,
    says: 'MAX_JSON_ELEMENTS',
  },
  {
    name: 'body limit: just under MAX_JSON_ELEMENTS of one-key objects with distinct keys',
    path: '/v1/messages/count_tokens',
    headers: anthropic,
    body: () => json({ model: 'auto', messages: hi, metadata: Array.from({ length: 19_990 }, (_, i) => ({ [`key_${i}`]: i })) }),
    status: 200,
  },
  {
    name: 'body limit: tiny messages',
    path: '/v1/chat/completions',
    headers: auth,
    body: () => json({ model: 'auto', messages: Array.from({ length: Math.floor(BODY_LIMIT_BYTES / 31) }, () => ({ role: 'user', content: 'a' })) }),
    status: 400,
  },
  {
    name: 'body limit: one 20 MB text on count_tokens',
    path: '/v1/messages/count_tokens',
    headers: anthropic,
    body: () => json({ model: 'auto', messages: [{ role: 'user', content: 'the quick brown fox '.repeat(Math.floor((BODY_LIMIT_BYTES - 200) / 20)) }] }),
    status: 200,
  },
  {
    name: 'body limit: one 20 MB text with just under two million escapes on count_tokens',
    path: '/v1/messages/count_tokens',
    headers: anthropic,
    body: () => json({ model: 'auto', messages: [{ role: 'user', content: `${'"\n'.repeat(990_000)}${'x'.repeat(BODY_LIMIT_BYTES - 4_000_000)}` }] }),
    status: 200,
  },
  {
    name: 'body limit: one 20 MB text on chat completions (over Kiro\'s payload limit)',
    path: '/v1/chat/completions',
    headers: auth,
    body: () => json({ model: 'auto', messages: [{ role: 'user', content: 'the quick brown fox '.repeat(Math.floor((BODY_LIMIT_BYTES - 200) / 20)) }] }),
    status: 400,
    says: 'KIRO_MAX_PAYLOAD_BYTES',
  },
];

/** A JSON answer, or an SSE stream whose every event is JSON: never anything a client cannot read. */
function parseAnswer(text: string): unknown {
  if (!text.startsWith('data:') && !text.startsWith('event:')) return JSON.parse(text);
  return parseSse(text).map((event) => event);
}

describe('event-loop budget: worst cases stall no one (e2e)', () => {
  let sim: KiroSimulator;
  let gateway: RunningProcess & { url: string };

  beforeAll(async () => {
    sim = await KiroSimulator.start({ defaultScenario: textReply('ok'), recordRequests: false });
    gateway = await startGatewayProcess({ ...sim.gatewayEnv(), PROXY_API_KEY: KEY });
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    await sim?.close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, worst) => {
    const body = worst.body();
    const upstream = worst.upstream?.() ?? [];
    for (const scenario of upstream) if (scenario.kind === 'stream') framesOf(scenario); // encoded once, now
    const send = async () => {
      sim.reset();
      sim.enqueue(...upstream);
      const res = await request(`${gateway.url}${worst.path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...worst.headers },
        body,
        reset: true,
      });
      return { status: res.statusCode, text: await res.body.text() };
    };
    const overBudget = (report: StallReport) => report.worstPollMs > STALL_BUDGET_MS && report.loopDelayMaxMs > STALL_BUDGET_MS;

    let report = await measureStall(gateway.url, auth, send);
    for (let retry = 0; retry < RETRIES && overBudget(report); retry++) report = await measureStall(gateway.url, auth, send);

    const measured = { worstPollMs: Math.round(report.worstPollMs), loopDelayMaxMs: Math.round(report.loopDelayMaxMs) };
    if (process.env.STALL_REPORT) process.stderr.write(`${worst.name}: ${JSON.stringify(measured)} HTTP ${report.result.status}\n`);
    expect(report.result.status).toBe(worst.status);
    expect(() => parseAnswer(report.result.text)).not.toThrow();
    if (worst.says) expect(report.result.text).toContain(worst.says);
    expect(report.polls).toBeGreaterThan(0);
    expect(overBudget(report) ? `stalled: ${JSON.stringify(measured)}` : 'within budget').toBe('within budget');
  }, 120_000);
});
