/**
 * Where one seqnet training step's time goes, for docs/performance.md:
 *
 *   node dist/bench/peers-profile.js CELL [STEPS]            # profiles STEPS S1 Adam steps of CELL (default 10)
 *   node dist/bench/peers-profile.js summarize FILE.cpuprofile  # the same summary of a `node --cpu-prof` profile
 *
 * CELL is one of bench/runtime.ts's seqnet cases (lstm, ln-lstm, bn-lstm, gru, ln-gru). The steps are profiled
 * with V8's sampling profiler through `node:inspector` (what `node --cpu-prof` uses), started after two
 * untimed steps and stopped after the last, so loading and compiling are not in it. The summary sorts
 * V8's samples into wasm code (XNNPACK matmuls and the compiled kernels), seqnet's JavaScript (per file),
 * tfjs's engine and layers, the wasm backend's JavaScript glue, the garbage collector and the rest, then lists
 * the functions that took the most self time.
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { prepare, seqnetCases } from './runtime.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PROFILER = 'the profiler itself (not counted)';

/**
 * The kind of work a function is, from where its code lives; wasm code by the JavaScript that called into
 * it (`caller`: the nearest JavaScript frames above), since wasm frames have no names worth reading.
 */
export function kindOf(frame: ProfileNode['callFrame'], caller = ''): string {
  const { url, functionName } = frame;
  if (url.startsWith('wasm://') || functionName.startsWith('js-to-wasm') || functionName === 'GenericJSToWasmWrapper') {
    return /matmul/i.test(caller) ? 'wasm: matmuls (XNNPACK)' : 'wasm: other kernels (elementwise ops, compiled SIMD cells)';
  }
  // The inspector session's own work when it stops and serializes the profile.
  if (functionName === 'dispatch' && url === '') return PROFILER;
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return `V8 ${functionName}`;
  const seqnet = /\/dist\/src\/(.*)\.js$/.exec(url);
  if (seqnet) return `seqnet JS: ${seqnet[1]}`;
  if (url.includes('tfjs-backend-wasm')) return 'tfjs wasm backend JS (kernel dispatch, heap copies)';
  if (url.includes('tfjs-core')) return /adam/i.test(functionName) ? 'tfjs Adam' : 'tfjs engine (ops, tape, gradients, memory)';
  if (url.includes('tfjs-layers')) return 'tfjs layers';
  return url === '' ? 'native / builtins' : 'other JS';
}

/** Each node's three nearest calling JavaScript frames' names, nearest first (wasm frames and wrappers skipped). */
function jsCallers(profile: CpuProfile): Map<number, string> {
  const callers = new Map<number, string>();
  const visit = (node: ProfileNode, caller: string, byId: Map<number, ProfileNode>): void => {
    callers.set(node.id, caller);
    const { url, functionName } = node.callFrame;
    const isJs = url !== '' && !url.startsWith('wasm://');
    for (const child of node.children ?? []) {
      const next = byId.get(child);
      if (next) visit(next, isJs ? [functionName || '(anonymous)', ...caller.split(' < ').slice(0, 2)].join(' < ') : caller, byId);
    }
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  visit(profile.nodes[0], '', byId);
  return callers;
}

function selfTimes(profile: CpuProfile, key: (node: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const name = key(node);
    totals.set(name, (totals.get(name) ?? 0) + profile.timeDeltas[i] / 1000);
  });
  return totals;
}

function summarize(profile: CpuProfile): string {
  const callers = jsCallers(profile);
  const kindOfNode = (node: ProfileNode) => kindOf(node.callFrame, callers.get(node.id));
  const kinds = selfTimes(profile, kindOfNode);
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  const idle = (kinds.get('V8 (idle)') ?? 0) + (kinds.get(PROFILER) ?? 0);
  const lines = [`${(total - idle).toFixed(0)} ms busy of ${total.toFixed(0)} ms sampled (idle time and the profiler's own left out)`, '', '| kind of work | ms | share of busy time |', '|---|---|---|'];
  for (const [kind, ms] of [...kinds].sort((a, b) => b[1] - a[1])) {
    if (kind !== 'V8 (idle)' && kind !== PROFILER) lines.push(`| ${kind} | ${ms.toFixed(0)} | ${((100 * ms) / (total - idle)).toFixed(1)} % |`);
  }
  const functions = selfTimes(profile, (node) => `${node.callFrame.functionName || '(anonymous)'} · ${kindOfNode(node)}`);
  lines.push('', '| function · kind | ms |', '|---|---|');
  for (const [name, ms] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`| ${name} | ${ms.toFixed(0)} |`);
  return lines.join('\n');
}

/** Profiles S1 (32 × 50 × 16 → 128) Adam steps of one seqnet case, after two untimed ones. */
async function profileSteps(cell: string, steps: number): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const layerCase = seqnetCases(50).find((candidate) => candidate.id === cell);
  if (!layerCase) throw new Error(`unknown case ${cell}`);
  const x = tf.randomNormal([32, 50, 16], 0, 1, 'float32', 3);
  const runner = prepare(layerCase, x, 128);
  await runner.train();
  await runner.train();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const started = performance.now();
  for (let i = 0; i < steps; i += 1) await runner.train();
  const elapsed = (performance.now() - started) / steps;
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  process.stdout.write(`${cell}: ${elapsed.toFixed(1)} ms per S1 training step over ${steps} steps (profiled)\n\n${summarize(profile)}\n`);
}

const [command, argument] = process.argv.slice(2);
if (command === 'summarize' && argument) process.stdout.write(`${summarize(JSON.parse(readFileSync(argument, 'utf8')) as CpuProfile)}\n`);
else if (command !== undefined && command !== 'summarize') await profileSteps(command, Number(argument ?? 10));
else process.stderr.write('usage: peers-profile.js CELL [STEPS] | summarize FILE.cpuprofile\n');
