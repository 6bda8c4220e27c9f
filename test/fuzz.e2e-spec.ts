import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { KiroSimulator, mulberry32, textReply } from './simulator';
import { parseSse } from './support/gateway-harness';
import { startGatewayProcess, type RunningProcess } from './support/processes';

/**
 * Malformed and hostile input on every route, against a gateway running as its own process: no
 * answer may be a 5xx or something a client cannot parse, none may hang, no body the gateway sends
 * on may be one the strict Kiro stand-in refuses (but for unknown model names, which are Kiro's to
 * judge), and the process must keep serving throughout.
 * The inputs come from a seeded generator (the same run every time): valid requests of each API
 * family with one field replaced by a hostile value, raw byte bodies, and header and method
 * variations. A failure prints the case, which is enough to replay it.
 */
const KEY = 'fuzz-test-key';
const SEED = 0x13;
const MUTATIONS_PER_ROUTE = 60;
const ANSWER_DEADLINE_MS = 15_000;

interface FuzzCase {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : [deep(depth - 1)]);

/** Values that have broken gateways: wrong types, extremes, prototype keys, odd Unicode, sizes near bounds. */
const HOSTILE: ReadonlyArray<unknown> = [
  null,
  true,
  0,
  -1,
  1e308,
  -0,
  '',
  ' ',
  '\u0000',
  '\ud800',
  '🦙'.repeat(1_000),
  'x'.repeat(300_000),
  '='.repeat(50_000) + 'A',
  '<thinking>',
  '[Called t with args: {',
  '{"not":"parsed"}',
  [],
  [null],
  [[[]]],
  {},
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  { type: 'text', text: 42 },
  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'not base64!' } },
  { type: 'image_url', image_url: { url: 'data:image/png;base64,' + '='.repeat(10_000) + 'A' } },
  { type: 'tool_use', id: '', name: '', input: [] },
  { type: 'tool_result', tool_use_id: 'nope', content: [{ type: 'document' }] },
  { type: 'function', function: { name: 'x'.repeat(500), parameters: { type: 'object', properties: { a: { $ref: '#' } } } } },
  Array.from({ length: 1_100 }, (_, i) => ({ name: `t${i}`, input_schema: {} })),
  Array.from({ length: 20 }, () => 'stop'),
  deep(100),
  deep(127),
];

const VALID: Record<string, Record<string, unknown>> = {
  '/v1/chat/completions': {
    model: 'claude-sonnet-4.5',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a":1}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
    ],
    tools: [{ type: 'function', function: { name: 'get', parameters: { type: 'object', properties: { a: { type: 'number' } } } } }],
    stop: ['END'],
  },
  '/v1/messages': {
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 100,
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'tu_1', name: 'get', input: { a: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: 'ok' }] },
    ],
    tools: [{ name: 'get', input_schema: { type: 'object' } }],
    stop_sequences: ['END'],
  },
  '/v1/messages/count_tokens': {
    model: 'claude-sonnet-4-5-20250929',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'count me' }] }],
    tools: [{ name: 'get', input_schema: { type: 'object' } }],
  },
  '/v1/responses': {
    model: 'claude-sonnet-4.5',
    instructions: 'Be brief.',
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { type: 'function_call', call_id: 'c1', name: 'get', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
    ],
    tools: [{ type: 'function', name: 'get', parameters: { type: 'object' } }],
    reasoning: { effort: 'minimal' },
  },
};

/** Every path into a JSON value, so any field at any depth can be replaced. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => pathsOf(item, [...prefix, i]))];
  if (typeof value === 'object' && value !== null) return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  return here;
}

function replaced(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[head] = replaced(copy[head], rest, replacement);
  return copy;
}

function buildCases(): FuzzCase[] {
  // The same cases on every run.
  const random = mulberry32(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const auth = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };
  const cases: FuzzCase[] = [];

  for (const [path, valid] of Object.entries(VALID)) {
    const paths = pathsOf(valid);
    for (let i = 0; i < MUTATIONS_PER_ROUTE; i++) {
      const at = pick(paths);
      const hostile = pick(HOSTILE);
      const stream = random() < 0.3 ? { stream: true } : {};
      cases.push({ name: `${path} with ${JSON.stringify(at)} = ${JSON.stringify(hostile)?.slice(0, 60)}`, method: 'POST', path, headers: auth, body: Buffer.from(JSON.stringify({ ...(replaced(valid, at, hostile) as object), ...stream })) });
    }
    const rawBodies: Array<[string, Buffer, Record<string, string>?]> = [
      ['an empty body', Buffer.alloc(0)],
      ['truncated JSON', Buffer.from(JSON.stringify(valid).slice(0, 40))],
      ['a JSON array', Buffer.from('[1,2,3]')],
      ['a JSON string', Buffer.from('"hello"')],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
      ['a NUL byte', Buffer.from('{"model":"a\u0000","messages":[]}')],
      ['JSON with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(valid))])],
      ['a duplicated key', Buffer.from('{"model":"auto","model":["x"],"messages":[{"role":"user","content":"hi"}]}')],
      ['deep nesting', Buffer.from(`{"model":${'['.repeat(5_000)}${']'.repeat(5_000)}}`)],
      ['an escaped __proto__', Buffer.from('{"\\u005f_proto__":{"messages":[]},"model":"auto","messages":[{"role":"user","content":"hi"}]}')],
      ['gzip that is not gzip', Buffer.from('not gzip'), { 'Content-Encoding': 'gzip' }],
      ['gzip of garbage', gzipSync(Buffer.from('{{{{')), { 'Content-Encoding': 'gzip' }],
      ['deflate of a valid body', gzipSync(Buffer.from(JSON.stringify(valid))), { 'Content-Encoding': 'deflate' }],
      ['a UTF-16 charset', Buffer.from(JSON.stringify(valid), 'utf16le'), { 'Content-Type': 'application/json; charset=utf-16' }],
      // "∀" is the bytes 00 22 in UTF-16LE: a byte scan takes the brackets after it for text.
      ['UTF-16 nesting hidden from a byte scan', Buffer.from(`{"m":"∀","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, 'utf16le'), { 'Content-Type': 'application/json; charset=utf-16le' }],
      ['a form content type', Buffer.from('model=auto&messages=hi'), { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ];
    const bytes = Buffer.from(JSON.stringify(valid));
    for (let i = 0; i < 20; i++) {
      const flipped = Buffer.from(bytes);
      for (let j = 0; j < 3; j++) flipped[Math.floor(random() * flipped.length)] = Math.floor(random() * 256);
      rawBodies.push([`flipped bytes #${i}`, flipped]);
    }
    for (const [what, body, extra] of rawBodies) cases.push({ name: `${path} with ${what}`, method: 'POST', path, headers: { ...auth, ...extra }, body });
    const headerVariants: Array<Record<string, string>> = [
      {},
      { Authorization: 'Bearer' },
      { Authorization: `Bearer ${KEY}:` },
      { Authorization: `Bearer ${KEY}:${'a'.repeat(9_000)}` },
      { Authorization: `Bearer ${KEY}:tok\u00e9n` },
      { Authorization: `Basic ${Buffer.from(`${KEY}:x`).toString('base64')}` },
      { 'x-api-key': '' },
      { Authorization: `bearer   ${KEY}` },
    ];
    for (const headers of headerVariants) {
      cases.push({ name: `${path} with headers ${JSON.stringify(headers).slice(0, 60)}`, method: 'POST', path, headers: { 'Content-Type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(valid)) });
    }
  }
  for (const path of ['/v1/models', '/v1/models/%00', '/v1/models/..%2F..%2Fetc', `/v1/models/${'m'.repeat(5_000)}`, '/v1/responses/nope', '/v1/responses/resp_%ZZ', '/health', '/health/ready', '/health/live', '/metrics', '/', '/docs-json', '/v1/nope', '/%E0%A4%A']) {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      cases.push({ name: `${method} ${path.slice(0, 60)}`, method, path, headers: { Authorization: `Bearer ${KEY}` }, body: method === 'GET' || method === 'OPTIONS' ? undefined : Buffer.from('{}') });
    }
  }
  return cases;
}

/** What a client must always be able to read: JSON, an SSE stream of JSON events, or the docs' HTML. */
function readable(contentType: string, text: string): boolean {
  try {
    if (contentType.includes('text/event-stream')) return parseSse(text).length > 0;
    if (contentType.includes('text/html') || contentType.includes('text/plain')) return true;
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('fuzzing every route with hostile input (e2e)', () => {
  let sim: KiroSimulator;
  let gateway: RunningProcess & { url: string };
  const cases = buildCases();

  beforeAll(async () => {
    sim = await KiroSimulator.start({ defaultScenario: textReply('ok') });
    // No back-off: the fuzzer sends many bad keys on purpose, and must reach every route.
    gateway = await startGatewayProcess({ ...sim.gatewayEnv(), PROXY_API_KEY: KEY, AUTH_FAILURE_LIMIT: '0', NEW_TENANTS_PER_IP: '0' });
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    await sim?.close();
  });

  it(`answers all ${cases.length} cases with a readable answer below 500, in time, and keeps serving`, async () => {
    const failures: string[] = [];
    for (const fuzz of cases) {
      const res = await request(`${gateway.url}${fuzz.path}`, {
        method: fuzz.method,
        headers: fuzz.headers,
        body: fuzz.body,
        reset: true,
        headersTimeout: ANSWER_DEADLINE_MS,
        bodyTimeout: ANSWER_DEADLINE_MS,
      }).catch((err: Error) => err);
      if (res instanceof Error) {
        failures.push(`${fuzz.name}: ${res.message}`);
        continue;
      }
      const text = await res.body.text();
      const contentType = String(res.headers['content-type'] ?? '');
      if (res.statusCode >= 500) failures.push(`${fuzz.name}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
      else if (res.statusCode !== 204 && text !== '' && !readable(contentType, text)) failures.push(`${fuzz.name}: unreadable ${contentType} ${text.slice(0, 200)}`);
      if (gateway.process.exitCode !== null) {
        failures.push(`${fuzz.name}: the gateway exited`);
        break;
      }
    }
    const live = await request(`${gateway.url}/health/live`, { reset: true });

    // An unknown model name is Kiro's to judge (it answers INVALID_MODEL_ID, the client gets 404); any other refusal is a malformed body the gateway built.
    const refusedByKiro = sim.requests
      .filter((r) => r.violation && !/is not in the model catalog/.test(r.violation))
      .map((r) => `${r.violation}: ${JSON.stringify(r.body).slice(0, 300)}`);
    expect(failures).toEqual([]);
    expect(live.statusCode).toBe(200);
    expect(refusedByKiro).toEqual([]);
  }, 240_000);
});
