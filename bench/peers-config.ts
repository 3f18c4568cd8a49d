/**
 * Which OpenMP and OpenBLAS settings the PyTorch side of `npm run bench -- peers` should run with, measured
 * (docs/performance.md, "The PyTorch configuration"):
 *
 *   node dist/bench/peers-config.js [TURNS] [CALLS]      # defaults 2 turns of 5 calls per setting
 *
 * Each setting gets its own Python process (bench/peers.py), the settings in turns. Per call it times PyTorch's
 * S1 LSTM and LN-LSTM training steps, then one seqnet S1 LSTM training step right after them, and reads the CPU
 * time all of the Python process's threads took during that seqnet call (`/proc/PID/task/*\/schedstat`): what
 * an idle peer's spinning threads would take from seqnet's turn of an interleaved round. Prints each turn's
 * PyTorch medians and the median and largest idle CPU.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { peerPython, PythonPeer } from './peer-process.js';
import { parseTimes, runRequest } from './peers-protocol.js';
import { median, prepare, seqnetCases, timed } from './runtime.js';
import type { Runner } from './runtime.js';

const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/bench/') ? '../../' : '../', import.meta.url));

/** The settings compared: OpenMP's wait policy and OpenBLAS's threads (unset: the library's default). */
const SETTINGS: { label: string; env: Record<string, string> }[] = [
  { label: 'passive, 1 OpenBLAS thread (the bench\'s)', env: { OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: '1' } },
  { label: 'passive, OpenBLAS default', env: { OMP_WAIT_POLICY: 'PASSIVE' } },
  { label: 'spinning (OpenMP default), 1 OpenBLAS thread', env: { OPENBLAS_NUM_THREADS: '1' } },
  { label: 'PyTorch defaults', env: {} },
];

/** Nanoseconds of CPU all threads of a process have run (the first field of each thread's schedstat). */
function cpuNanoseconds(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read took no more CPU.
    }
  }
  return total;
}

async function torchTime(peer: PythonPeer, cell: 'lstm' | 'ln-lstm'): Promise<number> {
  return parseTimes(await peer.request(runRequest({ size: 's1', cell, mode: 'train' }, 1)), 1)[0];
}

async function measureTurn(python: string, env: Record<string, string>, runner: Runner, calls: number): Promise<string> {
  const withoutBenchDefaults = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'OMP_WAIT_POLICY' && name !== 'OPENBLAS_NUM_THREADS'));
  const start = await PythonPeer.start(python, join(ROOT, 'bench', 'peers.py'), { ...withoutBenchDefaults, ...env });
  if (start.kind === 'skipped') throw new Error(start.reason);
  const { peer } = start;
  const times = { lstm: [] as number[], lnLstm: [] as number[], idleCpuMs: [] as number[] };
  try {
    for (let call = 0; call <= calls; call += 1) {
      const lstm = await torchTime(peer, 'lstm');
      const lnLstm = await torchTime(peer, 'ln-lstm');
      const before = cpuNanoseconds(peer.pid as number);
      await timed(runner.train);
      const idleCpuMs = (cpuNanoseconds(peer.pid as number) - before) / 1e6;
      if (call === 0) continue; // warm-up
      times.lstm.push(lstm);
      times.lnLstm.push(lnLstm);
      times.idleCpuMs.push(idleCpuMs);
    }
  } finally {
    peer.close();
  }
  const cpu = `${median(times.idleCpuMs).toFixed(1)} (at most ${Math.max(...times.idleCpuMs).toFixed(1)})`;
  return `${median(times.lstm).toFixed(1)} | ${median(times.lnLstm).toFixed(1)} | ${cpu}`;
}

async function main(turns: number, calls: number): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const x = tf.randomNormal([32, 50, 16], 0, 1, 'float32', 3);
  const runner = prepare(seqnetCases(50)[0], x, 128);
  process.stdout.write('| turn | setting | PyTorch S1 LSTM train, ms | S1 LN-LSTM train, ms | idle peer\'s CPU in seqnet\'s call, ms |\n|---|---|---|---|---|\n');
  for (let turn = 1; turn <= turns; turn += 1) {
    for (const setting of SETTINGS) {
      process.stdout.write(`| ${turn} | ${setting.label} | ${await measureTurn(peerPython(), setting.env, runner, calls)} |\n`);
    }
  }
  runner.dispose();
  x.dispose();
}

const [turns, calls] = process.argv.slice(2).map(Number);
await main(turns || 2, calls || 5);
