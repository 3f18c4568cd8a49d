/**
 * `npm run bench -- helper`: the matmul helper thread (src/backend/matmul-helper.ts) on the peers bench's
 * layer cases (S1, S2; LSTM and GRU; one Adam step and one forward pass) and on the per-step recurrent
 * product alone; each round one call on one thread, one with every large product split, one with the split
 * chosen by measurement per shape (`split-policy.ts`, what `seqnet train` uses), so a burst of load hits all
 * three; prints medians and their ratios to one thread. Options: `--rounds N`, `--sizes s1,s2`.
 */
import { availableParallelism, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { MatMulHelper } from '../src/backend/matmul-helper.js';
import { heapKernels } from '../src/runtime/recurrent/heap/kernels.js';
import { setRowHelper } from '../src/runtime/recurrent/heap/split.js';
import { median, prepare, seqnetCases, timed, type Runner } from './runtime.js';

const SIZES = {
  s1: { batch: 32, steps: 50, features: 16, units: 128 },
  s2: { batch: 64, steps: 100, features: 64, units: 256 },
} as const;

type SizeName = keyof typeof SIZES;

function option(options: string[], name: string): string | undefined {
  const index = options.indexOf(name);
  return index < 0 ? undefined : options[index + 1];
}

/** One thread, every large product split, the split measured per shape. */
type Helpers = [null, MatMulHelper, MatMulHelper];

/** Medians of `body` timed round-robin over the helpers, `rounds` times after one warm-up round. */
async function alternate(helpers: Helpers, rounds: number, body: () => Promise<void>): Promise<number[]> {
  const times: number[][] = helpers.map(() => []);
  for (let round = 0; round <= rounds; round += 1) {
    for (const [index, helper] of helpers.entries()) {
      setRowHelper(helper);
      const time = await timed(body);
      if (round > 0) times[index].push(time);
    }
  }
  setRowHelper(null);
  return times.map(median);
}

function row(label: string, [one, split, measured]: number[], unit: string, digits: number): string {
  const value = (time: number) => `${time.toFixed(digits)} ${unit}`;
  return `| ${label} | ${value(one)} | ${value(split)} (${(split / one).toFixed(2)}) | ${value(measured)} (${(measured / one).toFixed(2)}) |`;
}

/** The per-step product `[batch, units]·[units, 4·units]` on the heap, 50 times a call. */
async function productRows(helpers: Helpers, rounds: number, size: SizeName): Promise<string> {
  const { batch, units } = SIZES[size];
  const kernels = heapKernels();
  if (kernels === null) throw new Error('the heap kernels are not available on this backend');
  const a = kernels.constant(Float32Array.from({ length: batch * units }, (_, i) => Math.sin(i)), [batch, units]);
  const b = kernels.constant(Float32Array.from({ length: 4 * units * units }, (_, i) => Math.cos(i) / units), [units, 4 * units]);
  const out = kernels.buffer([batch, 4 * units]);
  const times = await alternate(helpers, rounds, async () => {
    for (let i = 0; i < 50; i += 1) kernels.matMul(out, a, b);
  });
  kernels.dispose();
  return row(`${size.toUpperCase()} product ${batch}×${units}·${units}×${4 * units}`, times.map((time) => (time / 50) * 1000), 'µs', 0);
}

async function layerRows(helpers: Helpers, rounds: number, size: SizeName): Promise<string[]> {
  const { batch, steps, features, units } = SIZES[size];
  const x = tf.randomNormal([batch, steps, features], 0, 1, 'float32', 3);
  const rows: string[] = [];
  for (const layerCase of seqnetCases(steps).filter((c) => c.id === 'lstm' || c.id === 'gru')) {
    const runner: Runner = prepare(layerCase, x, units);
    for (const mode of ['train', 'forward'] as const) {
      rows.push(row(`${size.toUpperCase()} ${layerCase.id.toUpperCase()} ${mode}`, await alternate(helpers, rounds, runner[mode]), 'ms', 1));
    }
    runner.dispose();
  }
  x.dispose();
  return rows;
}

export async function run(options: string[]): Promise<void> {
  const rounds = Number(option(options, '--rounds') ?? 7);
  const sizes = (option(options, '--sizes') ?? 's1,s2').split(',') as SizeName[];
  await tf.setBackend('wasm');
  await tf.ready();
  const helpers: Helpers = [null, await MatMulHelper.start({ measured: false }), await MatMulHelper.start()];
  const load = () => loadavg()[0].toFixed(1);
  const lines = [
    `load average at the start ${load()} on ${availableParallelism()} cores; medians of ${rounds} rounds, round-robin`,
    '',
    '| case | one thread | every large product split (ratio) | split where measured faster (ratio) |',
    '|---|---|---|---|',
  ];
  try {
    for (const size of sizes) lines.push(await productRows(helpers, rounds, size), ...(await layerRows(helpers, rounds, size)));
  } finally {
    await Promise.all([helpers[1].close(), helpers[2].close()]);
  }
  lines.push('', `load average at the end ${load()}; products split: ${helpers[1].products} (always), ${helpers[2].products} (measured)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
