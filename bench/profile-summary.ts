import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Self time from a V8 .cpuprofile, by function and by file/package:
 *   npx ts-node --transpile-only bench/profile-summary.ts [file.cpuprofile | dir] [--top N]
 *   npx ts-node --transpile-only bench/profile-summary.ts [file | dir] --callers writev [--depth 8]
 * With a directory (default bench/profiles) the newest profile in it is read. Paths under dist/
 * are shown as the src/*.ts they were compiled from (line numbers stay those of the .js).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTimeEntry {
  name: string;
  where: string;
  ms: number;
  /** Share of the non-idle time. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  byFunction: SelfTimeEntry[];
  byFile: SelfTimeEntry[];
  /** Inclusive (self + callees) time of the gateway's own functions (src/). */
  srcInclusive: SelfTimeEntry[];
}

const ROOT = join(__dirname, '..');

/** dist/kiro/x.js → src/kiro/x.ts; node_modules/@scope/pkg/… → @scope/pkg; node:internal/… stays. */
function location(url: string): { file: string; group: string } {
  if (!url) return { file: '', group: '(native / V8)' };
  let path = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
  if (path.startsWith(ROOT)) path = relative(ROOT, path);
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return { file: path.slice(nm), group: pkg };
  }
  if (path.startsWith('dist/')) {
    const src = path.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts');
    return { file: src, group: src };
  }
  if (path.startsWith('node:')) return { file: path, group: path.split('/').slice(0, 2).join('/') };
  return { file: path, group: path };
}

export function newestProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0];
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the gap before sample i, so sample i lasted until sample i+1.
  for (let i = 0; i < profile.samples.length; i++) {
    const duration = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + duration);
  }
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)!.callFrame;
    const name = frame.functionName || '(anonymous)';
    totalUs += us;
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    const { file, group } = location(frame.url);
    const where = file ? `${file}:${frame.lineNumber + 1}` : '';
    const key = `${name}|${where}`;
    const entry = byFunction.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    const groupKey = file ? group : name; // (garbage collector), (program) stand alone
    byFile.set(groupKey, (byFile.get(groupKey) ?? 0) + us);
  }
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at)!.callFrame;
      const { file } = location(frame.url);
      if (!file.startsWith('src/')) continue;
      const name = frame.functionName || '(anonymous)';
      const where = `${file}:${frame.lineNumber + 1}`;
      const key = `${name}|${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? { name, where, us: 0 };
      entry.us += us;
      inclusive.set(key, entry);
    }
  }
  const busyUs = totalUs - idleUs || 1;
  const toEntry = (name: string, where: string, us: number): SelfTimeEntry => ({
    name,
    where,
    ms: us / 1000,
    percent: (100 * us) / busyUs,
  });
  return {
    file,
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    byFunction: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => toEntry(e.name, e.where, e.us)),
    byFile: [...byFile.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([group, us]) => toEntry(group, '', us)),
    srcInclusive: [...inclusive.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => toEntry(e.name, e.where, e.us)),
  };
}

/** Who calls `functionName`: self time of matching frames, by their nearest `depth` callers. */
export function callersOf(file: string, functionName: string, depth = 4, top = 12): Array<{ stack: string; ms: number }> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byStack = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    if (nodes.get(id)!.callFrame.functionName !== functionName) continue;
    const names: string[] = [];
    for (let at = parent.get(id); at !== undefined && names.length < depth; at = parent.get(at)) {
      const frame = nodes.get(at)!.callFrame;
      const { file: where } = location(frame.url);
      names.push(`${frame.functionName || '(anonymous)'}${where ? ` (${where.replace(/^node_modules\//, '')}:${frame.lineNumber + 1})` : ''}`);
    }
    const stack = names.join(' < ');
    byStack.set(stack, (byStack.get(stack) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  return [...byStack.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([stack, us]) => ({ stack, ms: us / 1000 }));
}

export function printProfileSummary(summary: ProfileSummary, top = 15): void {
  const busy = summary.totalMs - summary.idleMs;
  console.log(`\nGateway CPU profile: ${relative(process.cwd(), summary.file)}`);
  console.log(`  ${(summary.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (${((100 * busy) / summary.totalMs).toFixed(0)}%)`);
  console.log(`\n  Self time by function (% of busy time):`);
  for (const e of summary.byFunction.slice(0, top)) {
    console.log(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name.padEnd(36)} ${e.where}`);
  }
  console.log(`\n  Self time by file / package:`);
  for (const e of summary.byFile.slice(0, top)) {
    console.log(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}`);
  }
  console.log(`\n  Inclusive time of src/ functions (self + everything they call):`);
  for (const e of summary.srcInclusive.slice(0, top)) {
    console.log(`  ${e.percent.toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name.padEnd(36)} ${e.where}`);
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const callersAt = args.indexOf('--callers');
  const target =
    args.find((arg, i) => !arg.startsWith('--') && !['--top', '--callers', '--depth'].includes(args[i - 1])) ?? join(__dirname, 'profiles');
  const file = statSync(target).isDirectory() ? newestProfile(target) : target;
  if (!file) {
    console.error(`No .cpuprofile in ${target}; run npm run bench -- --cpu-prof first`);
    process.exit(1);
  }
  if (callersAt >= 0) {
    const name = args[callersAt + 1];
    console.log(`Callers of ${name} (self time by nearest callers, innermost first):`);
    const depthAt = args.indexOf('--depth');
    const depth = depthAt >= 0 ? Number(args[depthAt + 1]) : 4;
    for (const { stack, ms } of callersOf(file, name, depth)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${stack}`);
  } else {
    printProfileSummary(summarizeProfile(file, top), top);
  }
}
