/**
 * `npm run bench -- helper`: the matmul helper thread (src/backend/matmul-helper.ts) on the peers bench's
 * layer cases (S1, S2; LSTM and GRU; one Adam step and one forward pass), each round one call on one thread
 * and one with the helper, so a burst of load hits both; prints medians and their ratio, and the products'
 * own ratio (the per-step recurrent product alone). Options: `--rounds N`, `--sizes s1,s2`.
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

/** `body` timed alternately without and with the helper, `rounds` times after one warm-up round each. */
async function alternate(helper: MatMulHelper, rounds: number, body: () => Promise<void>): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round <= rounds; round += 1) {
    for (const helped of [false, true]) {
      setRowHelper(helped ? helper : null);
      const time = await timed(body);
      if (round > 0) times[helped ? 1 : 0].push(time);
    }
  }
  setRowHelper(null);
  return [median(times[0]), median(times[1])];
}

/** The per-step product `[batch, units]·[units, 4·units]` on the heap, 50 times a call. */
async function productRows(helper: MatMulHelper, rounds: number, size: SizeName): Promise<string> {
  const { batch, units } = SIZES[size];
  const kernels = heapKernels();
  if (kernels === null) throw new Error('the heap kernels are not available on this backend');
  const a = kernels.constant(Float32Array.from({ length: batch * units }, (_, i) => Math.sin(i)), [batch, units]);
  const b = kernels.constant(Float32Array.from({ length: 4 * units * units }, (_, i) => Math.cos(i) / units), [units, 4 * units]);
  const out = kernels.buffer([batch, 4 * units]);
  const [one, two] = await alternate(helper, rounds, async () => {
    for (let i = 0; i < 50; i += 1) kernels.matMul(out, a, b);
  });
  kernels.dispose();
  return `| ${size.toUpperCase()} product ${batch}×${units}·${units}×${4 * units} | ${((one / 50) * 1000).toFixed(0)} µs | ${((two / 50) * 1000).toFixed(0)} µs | ${(two / one).toFixed(2)} |`;
}

async function layerRows(helper: MatMulHelper, rounds: number, size: SizeName): Promise<string[]> {
  const { batch, steps, features, units } = SIZES[size];
  const x = tf.randomNormal([batch, steps, features], 0, 1, 'float32', 3);
  const rows: string[] = [];
  for (const layerCase of seqnetCases(steps).filter((c) => c.id === 'lstm' || c.id === 'gru')) {
    const runner: Runner = prepare(layerCase, x, units);
    for (const mode of ['train', 'forward'] as const) {
      const [one, two] = await alternate(helper, rounds, runner[mode]);
      rows.push(`| ${size.toUpperCase()} ${layerCase.id.toUpperCase()} ${mode} | ${one.toFixed(1)} ms | ${two.toFixed(1)} ms | ${(two / one).toFixed(2)} |`);
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
  const helper = await MatMulHelper.start();
  const load = () => loadavg()[0].toFixed(1);
  const lines = [`load average at the start ${load()} on ${availableParallelism()} cores; medians of ${rounds} rounds, alternating`, '', '| case | one thread | with the helper | ratio |', '|---|---|---|---|'];
  try {
    for (const size of sizes) lines.push(await productRows(helper, rounds, size), ...(await layerRows(helper, rounds, size)));
  } finally {
    await helper.close();
  }
  lines.push('', `load average at the end ${load()}; the helper computed rows of ${helper.products} products`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
