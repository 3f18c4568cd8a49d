/**
 * Summarizes a V8 CPU profile of `seqnet train` (written by `node --cpu-prof`): the time of each phase of the
 * training loop, the functions with the most self time, and self time by package.
 *
 *   node --cpu-prof --cpu-prof-dir=prof bin/seqnet.js train specs/sine.seqnet --epochs 2
 *   node dist/scripts/profile-phases.js prof
 *
 * A sample belongs to the innermost phase function on its stack (so the NaN guard, called inside the optimizer
 * wrapper, counts as the guard, not as the update). Time after an `await` loses its caller's stack in V8's
 * profiles, so it lands in "other"; garbage collection has no stack at all and is its own row.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Function name → phase, for the functions of the training loop and of tfjs that mark one. */
const PHASES: Record<string, string> = {
  allFinite: 'NaN guard',
  clipGradients: 'clipping',
  applyGradients: 'optimizer update',
  variableGrads: 'forward + backward (layers, heads, losses, metrics)',
  gatherBatch: 'batch gathering',
  evaluateSet: 'validation and test evaluation',
  predictSet: 'test predictions',
  saveCheckpoint: 'checkpoint',
  batchEnd: 'progress',
  epochEnd: 'progress',
  snapshotWeights: 'best weights',
  trainEpoch: 'loop bookkeeping',
  runLoop: 'loop bookkeeping',
  loadData: 'data loading',
  compileModel: 'model build',
  '(garbage collector)': 'garbage collection',
  '(idle)': 'idle',
};
const OTHER = 'other (start-up, module loading, after an await)';

function readProfile(path: string): CpuProfile {
  const file = statSync(path).isDirectory() ? join(path, readdirSync(path).find((name) => name.endsWith('.cpuprofile')) ?? '') : path;
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/** Microseconds per key, in decreasing order, as table rows with shares of `total`. */
function rows(sums: Map<string, number>, total: number, count: number): string {
  return [...sums]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `| ${key} | ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)}% |`)
    .join('\n');
}

const add = (sums: Map<string, number>, key: string, us: number): void => void sums.set(key, (sums.get(key) ?? 0) + us);

/** Where a frame's code lives: a package, a compiled file of seqnet (its lines are dist's), or V8 itself. */
function place(url: string): string {
  if (url.startsWith('wasm://')) return 'WebAssembly (tfjs kernels)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1];
  const own = /\/dist\/(src\/.*)$/.exec(url);
  if (own !== null) return `dist/${own[1]}`;
  return url === '' ? '(V8)' : 'node';
}

function main(): void {
  const path = process.argv[2];
  if (path === undefined) {
    process.stderr.write('usage: node dist/scripts/profile-phases.js PROFILE_OR_DIR\n');
    process.exitCode = 2;
    return;
  }
  let profile: CpuProfile;
  try {
    profile = readProfile(path);
  } catch (error) {
    process.stderr.write(`profile-phases: ${path}: ${(error as Error).message.split('\n')[0]}\n`);
    process.exitCode = 2;
    return;
  }
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const phases = new Map<string, number>();
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((leaf, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    total += us;
    let phase = OTHER;
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const name = (byId.get(id) as ProfileNode).callFrame.functionName;
      if (Object.hasOwn(PHASES, name)) {
        phase = PHASES[name];
        break;
      }
    }
    add(phases, phase, us);
    const frame = (byId.get(leaf) as ProfileNode).callFrame;
    add(functions, `${frame.functionName || '(anonymous)'} (${place(frame.url)}:${frame.lineNumber + 1})`, us);
    add(places, place(frame.url), us);
  });
  const header = (what: string): string => `| ${what} | ms | share |\n|---|---|---|\n`;
  process.stdout.write(`total ${(total / 1e6).toFixed(2)} s of samples\n\n${header('phase')}${rows(phases, total, 30)}\n\n`);
  process.stdout.write(`${header('function (self time)')}${rows(functions, total, 20)}\n\n${header('code (self time)')}${rows(places, total, 15)}\n`);
}

main();
