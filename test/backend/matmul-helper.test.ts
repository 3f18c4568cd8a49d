/**
 * The matmul helper thread (src/backend/matmul-helper.ts, runtime/recurrent/heap/split.ts): with it the heap
 * inference loop and the heap training path give outputs and gradients equal bit for bit to the one-thread
 * heap path (every product is split by rows, each row computed by the same kernel), for the LSTM, the GRU
 * (reset first and after), the simple RNN and a layer-normalized LSTM, with its threshold forced down so
 * every product splits; a measured helper splits only inside units its policy runs split; it is declined where it cannot pay; a failure in it is a one-line error and it then
 * steps aside; and an unclosed helper does not keep the process alive.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatMulHelper, MIN_SPLIT_WORK, startMatMulHelper } from '../../src/backend/matmul-helper.js';
import type { NormIR } from '../../src/ir/types.js';
import { SeqnetRecurrent, type SeqnetRecurrentConfig } from '../../src/runtime/index.js';
import { heapKernels } from '../../src/runtime/recurrent/heap/kernels.js';
import { heapTrainingCounts } from '../../src/runtime/recurrent/heap/training.js';
import { rowHelper, setRowHelper } from '../../src/runtime/recurrent/heap/split.js';
import { layerConfig, makeNorm, plainConfig } from '../helpers/recurrent.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const outDir = `${repo}.vitest-cache/matmul-helper`;
let workerUrl: URL;
let helper: MatMulHelper;

/** Bundles a TypeScript entry into the ignored cache folder (there its imports of tfjs resolve). */
async function bundle(entry: string, name: string): Promise<URL> {
  const outfile = `${outDir}/${name}-${process.pid}.mjs`;
  await build({ entryPoints: [`${repo}${entry}`], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'error' });
  return pathToFileURL(outfile);
}

beforeAll(async () => {
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not initialize');
  await tf.ready();
  mkdirSync(outDir, { recursive: true });
  workerUrl = await bundle('src/backend/matmul-worker.ts', 'matmul-worker');
  // Every product of two rows or more splits.
  helper = await MatMulHelper.start({ workerUrl, minWork: 1, measured: false });
});

afterAll(async () => {
  await helper?.close();
});

const [BATCH, STEPS, FEATURES, UNITS] = [5, 9, 4, 7];

function config(cell: 'lstm' | 'gru' | 'rnn', norms: NormIR[] = [], extra: Partial<SeqnetRecurrentConfig> = {}): SeqnetRecurrentConfig {
  return layerConfig(plainConfig(cell, UNITS, { norms, returnSequences: true, ...extra }), { seed: 3 });
}

const CASES: { name: string; config: SeqnetRecurrentConfig }[] = [
  { name: 'lstm', config: config('lstm') },
  { name: 'gru, reset first', config: config('gru') },
  { name: 'gru, reset after', config: config('gru', [], { resetAfter: true }) },
  { name: 'simple rnn', config: config('rnn') },
  { name: 'layer-normalized lstm', config: config('lstm', [makeNorm('recurrent', 'layer'), makeNorm('cell', 'layer')]) },
];

/** A layer with random weights, its input, and a mask (example 3 ends after 4 steps). */
function setUp(layerConfig: SeqnetRecurrentConfig): { layer: SeqnetRecurrent; x: tf.Tensor; mask: tf.Tensor } {
  const x = tf.randomNormal([BATCH, STEPS, FEATURES], 0, 1, 'float32', 8);
  const mask = tf.tensor2d(Array.from({ length: BATCH }, (_, b) => Array.from({ length: STEPS }, (__, t) => (b === 3 && t >= 4 ? 0 : 1))), [BATCH, STEPS], 'bool');
  const layer = new SeqnetRecurrent(layerConfig);
  layer.apply(x);
  layer.weights.forEach((weight, index) => weight.write(tf.randomUniform(weight.shape as number[], -0.6, 0.6, 'float32', 40 + index)));
  return { layer, x, mask };
}

/** The outputs at inference and the gradients of a training step, as plain arrays; `helped`: with the helper registered. */
function compute(layer: SeqnetRecurrent, x: tf.Tensor, mask: tf.Tensor, helped: boolean): { outputs: Float32Array; gradients: Float32Array[] } {
  setRowHelper(helped ? helper : null);
  try {
    const outputs = tf.tidy(() => (layer.apply(x, { mask }) as tf.Tensor).dataSync() as Float32Array);
    const gradients = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, { mask, training: true }) as tf.Tensor)) as tf.Scalar);
      return Object.keys(grads)
        .sort()
        .map((name) => grads[name].dataSync() as Float32Array);
    });
    return { outputs, gradients };
  } finally {
    setRowHelper(null);
  }
}

describe('matmul helper thread', () => {
  it.each(CASES)('$name: outputs and gradients equal the one-thread heap path bit for bit', ({ config: layerConfig }) => {
    const { layer, x, mask } = setUp(layerConfig);
    const alone = compute(layer, x, mask, false);
    const before = { products: helper.products, training: heapTrainingCounts.backward };
    const helped = compute(layer, x, mask, true);
    // The helper took part (every per-step product, forward and backward, and dU) on the heap training path.
    expect(helper.products - before.products).toBeGreaterThanOrEqual(2 * STEPS + 1);
    expect(heapTrainingCounts.backward).toBe(before.training + 1);
    expect(Array.from(helped.outputs)).toEqual(Array.from(alone.outputs));
    expect(helped.gradients.length).toBe(alone.gradients.length);
    helped.gradients.forEach((gradient, i) => expect(Array.from(gradient)).toEqual(Array.from(alone.gradients[i])));
  });

  it('splits a product of two rows or more, and keeps a one-row product on this thread', () => {
    const kernels = heapKernels();
    if (kernels === null) throw new Error('no heap kernels on wasm');
    setRowHelper(helper);
    try {
      const b = kernels.constant(Float32Array.of(1, 0, 0, 1, 1, 1), [3, 2]);
      const before = helper.products;
      const one = kernels.matMul(kernels.buffer([1, 2]), kernels.constant(Float32Array.of(1, 2, 3), [1, 3]), b);
      expect(helper.products).toBe(before);
      expect(Array.from(kernels.floats(one))).toEqual([4, 5]);
      const three = kernels.matMul(kernels.buffer([3, 2]), kernels.constant(Float32Array.of(1, 2, 3, 4, 5, 6, -1, 0, 2), [3, 3]), b);
      expect(helper.products).toBe(before + 1);
      expect(Array.from(kernels.floats(three))).toEqual([4, 5, 10, 11, 1, 2]);
    } finally {
      setRowHelper(null);
      kernels.dispose();
    }
  });

  it('is declined off wasm, on data-parallel threads, below the threshold and when switched off', async () => {
    const base = { backend: 'wasm' as const, threads: 1, largestProduct: MIN_SPLIT_WORK, env: {}, options: { workerUrl } };
    for (const request of [
      { ...base, backend: 'cpu' as const },
      { ...base, threads: 2 },
      { ...base, largestProduct: MIN_SPLIT_WORK - 1 },
      { ...base, env: { SEQNET_MATMUL_HELPER: '0' } },
    ]) {
      expect(await startMatMulHelper(request)).toEqual({ helper: null, note: null });
    }
    expect(rowHelper()).toBeNull();
    const started = await startMatMulHelper(base);
    expect(started.helper).not.toBeNull();
    expect(rowHelper()).toBe(started.helper);
    // Products split only inside a unit that splits (the first, warm-up unit does), and only from the default
    // threshold up: the S2 per-step product does, the S1 one (2.1 M multiply-adds) does not.
    const units = started.helper?.units('train');
    expect(started.helper?.split(64, 256, 1024)).toBe(false);
    units?.begin();
    expect(started.helper?.split(64, 256, 1024)).toBe(true);
    expect(started.helper?.split(32, 128, 512)).toBe(false);
    units?.end();
    expect(started.helper?.split(64, 256, 1024)).toBe(false);
    await started.helper?.close();
    expect(rowHelper()).toBeNull();
  });

  it('says why when its worker cannot start, and the run stays on one thread', async () => {
    const missing = new URL('./no-such-worker.mjs', pathToFileURL(`${outDir}/`));
    const choice = await startMatMulHelper({ backend: 'wasm', threads: 1, largestProduct: MIN_SPLIT_WORK, env: {}, options: { workerUrl: missing } });
    expect(choice.helper).toBeNull();
    expect(choice.note).toMatch(/^matmul helper thread unavailable \(.+\); computing on one thread$/);
    expect(rowHelper()).toBeNull();
  });

  it('turns a failure on its thread into a one-line error, then steps aside', async () => {
    const failing = await MatMulHelper.start({ workerUrl, minWork: 1, measured: false });
    failing.start({ key: 999, a: new Float32Array(6), rows: 2, k: 3, n: 2 });
    expect(() => failing.finish(() => new Float32Array(4))).toThrow(/^the matmul helper thread failed: operand 999 was never sent or already released; set SEQNET_MATMUL_HELPER=0 to compute on one thread$/);
    expect(failing.split(64, 64, 64)).toBe(false);
    await failing.close();
  });

  it('does not keep the process alive when never closed', async () => {
    const script = await bundle('test/backend/fixtures/unclosed-helper.ts', 'unclosed-helper');
    const result = spawnSync(process.execPath, [fileURLToPath(script), workerUrl.href], { encoding: 'utf8', timeout: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('product 4 5 10 11');
    expect(result.status).toBe(0);
  });
});
