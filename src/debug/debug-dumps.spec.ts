import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGatewayEnv } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { DebugDumps, MAX_PENDING_DUMPS, MAX_SHOWN_BODY_BYTES, pruneDumps } from './debug-dumps';

const dumpName = (i: number) => `2026-01-01T00-00-${String(i).padStart(2, '0')}-000Z-req-${i}`;

describe(DebugDumps.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dumps-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const dumps = (metrics?: MetricsService) => new DebugDumps(parseGatewayEnv({ PROXY_API_KEY: 'k', DEBUG_MODE: 'all', DEBUG_DIR: dir }), metrics);

  it('writes each dump in a 0700 directory of 0600 files (prompts are inside)', async () => {
    const debug = dumps();
    debug.start('req-1', () => [])?.finish(200);
    await debug.idle();

    const [name] = readdirSync(dir);
    expect(statSync(join(dir, name)).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, name)).map((file) => statSync(join(dir, name, file)).mode & 0o777)).toEqual([0o600, 0o600, 0o600, 0o600, 0o600]);
  });

  it('names the dump it queues, and reads its bodies back for the console, redacted and bounded', async () => {
    const debug = dumps();
    const recording = debug.start('req-7', () => ['sk-secret-value'])!;
    recording.clientRequest('POST', '/v1/messages', { content: 'sk-secret-value and more', pad: 'y'.repeat(70_000) });
    recording.clientResponseChunk('data: answer\n\n');
    const name = recording.finish(200)!;

    const bodies = await debug.bodies(name);

    expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-req-7$/);
    expect(readdirSync(dir)).toEqual([name]);
    expect(bodies?.response).toEqual({ text: 'data: answer\n\n', truncated: false });
    expect(bodies?.request.truncated).toBe(true);
    expect(bodies?.request.text).toHaveLength(MAX_SHOWN_BODY_BYTES);
    expect(bodies?.request.text).toContain('"content": "[redacted] and more"');
  });

  it('reads no bodies from a name it does not give, through a link, or with DEBUG_MODE off', async () => {
    const debug = dumps();
    const name = debug.start('req-8', () => [])!.finish(200)!;
    await debug.idle();
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, name), join(dir, dumpName(9)));
    const off = new DebugDumps(parseGatewayEnv({ PROXY_API_KEY: 'k', DEBUG_MODE: 'off', DEBUG_DIR: dir }));

    expect(await debug.bodies(name)).toBeDefined();
    expect(await debug.bodies('../elsewhere')).toBeUndefined();
    expect(await debug.bodies(dumpName(9))).toBeUndefined();
    expect(await debug.bodies(dumpName(10))).toBeUndefined();
    expect(await off.bodies(name)).toBeUndefined();
  });

  it('names no dump for a request DEBUG_MODE=errors does not keep', async () => {
    const debug = new DebugDumps(parseGatewayEnv({ PROXY_API_KEY: 'k', DEBUG_MODE: 'errors', DEBUG_DIR: dir }));

    expect(debug.start('ok', () => [])!.finish(200)).toBeUndefined();
    expect(debug.start('bad', () => [])!.finish(500)).toMatch(/-bad$/);
    await debug.idle();
  });

  it('drops dumps beyond MAX_PENDING_DUMPS waiting to be written, and counts them', async () => {
    const metrics = new MetricsService();
    const debug = dumps(metrics);
    for (let i = 0; i < MAX_PENDING_DUMPS + 5; i++) debug.start(`burst-${i}`, () => [])?.finish(500);
    await debug.idle();

    expect(readdirSync(dir)).toHaveLength(MAX_PENDING_DUMPS);
    expect(await metrics.render()).toContain('kiro_gateway_debug_dumps_dropped_total 5');
  });
});

describe(pruneDumps.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'prune-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes the oldest of its own dumps only: other files, dotfiles, other directories and links stay', async () => {
    for (let i = 1; i <= 4; i++) {
      mkdirSync(join(dir, dumpName(i)));
      writeFileSync(join(dir, dumpName(i), 'meta.json'), '{}');
    }
    writeFileSync(join(dir, 'package.json'), '{}');
    writeFileSync(join(dir, '.env'), 'PROXY_API_KEY=x');
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'src'));
    symlinkSync(join(dir, 'src'), join(dir, dumpName(0)));
    writeFileSync(join(dir, dumpName(3), 'notes.txt'), 'someone else put this here');

    await pruneDumps(dir, 1);

    expect(readdirSync(dir).sort()).toEqual(['.env', '.git', dumpName(0), dumpName(3), dumpName(4), 'package.json', 'src'].sort());
    expect(readdirSync(join(dir, dumpName(3)))).toEqual(['notes.txt']);
  });
});
