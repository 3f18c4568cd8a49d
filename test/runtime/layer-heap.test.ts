/**
 * The inference loop on the wasm heap (src/runtime/recurrent/heap/): it is the path inference takes on wasm
 * (so the reference grid's wasm inference cases exercise it), it agrees with the cpu backend's loop on
 * sequences longer than the grid's, it frees every buffer it makes, and it steps aside while a gradient is
 * being recorded (its kernel calls bypass the tape).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormIR } from '../../src/ir/types.js';
import { SeqnetRecurrent, type SeqnetRecurrentConfig } from '../../src/runtime/index.js';
import { expectClose } from '../helpers/backends.js';
import { layerConfig, makeNorm, plainConfig } from '../helpers/recurrent.js';

const STEPS = 40;

interface HeapCase {
  name: string;
  config: SeqnetRecurrentConfig;
  masked: boolean;
}

function config(cell: 'lstm' | 'gru' | 'rnn', norms: NormIR[], extra: Partial<SeqnetRecurrentConfig> = {}): SeqnetRecurrentConfig {
  return layerConfig(plainConfig(cell, 6, { norms, returnSequences: true, ...extra }), { seed: 11 });
}

const perStep = { statistics: 'per_step' as const, maxSteps: 30, momentum: 0.9 };

const CASES: HeapCase[] = [
  { name: 'plain lstm', config: config('lstm', []), masked: false },
  {
    name: 'layer-normalized lstm (input, recurrent, cell), masked',
    config: config('lstm', [makeNorm('input', 'layer'), makeNorm('recurrent', 'layer'), makeNorm('cell', 'layer')], { forgetBias: { init: 1, constant: 1 } }),
    masked: true,
  },
  {
    name: 'batch-normalized lstm (population statistics, steps beyond max_steps), carried cell norm',
    config: config('lstm', [makeNorm('input', 'batch', { batch: perStep }), makeNorm('recurrent', 'batch', { batch: perStep }), makeNorm('cell', 'layer', { carry: true })]),
    masked: false,
  },
  {
    name: 'gru, reset first, per-gate gates norm and hidden rms norm, zoneout',
    config: config('gru', [makeNorm('gates', 'layer', { groups: 'per_gate' }), makeNorm('hidden', 'rms')], {
      dropout: { input: null, recurrent: null, candidate: null, zoneout: { cell: 0, hidden: 0.2 } },
    }),
    masked: true,
  },
  { name: 'gru, reset after, recurrent layer norm', config: config('gru', [makeNorm('recurrent', 'layer', { groups: 'gates_and_candidate' })], { resetAfter: true }), masked: false },
  { name: 'rnn, gates rms norm', config: config('rnn', [makeNorm('gates', 'rms')]), masked: true },
  {
    name: 'lstm, relu activation and hard-sigmoid gates, cell layer norm, masked',
    config: config('lstm', [makeNorm('cell', 'layer')], { activation: 'relu', recurrentActivation: 'hard_sigmoid' }),
    masked: true,
  },
  { name: 'gru, reset after, softsign activation', config: config('gru', [], { resetAfter: true, activation: 'softsign' }), masked: false },
];

/** Random `[3, STEPS, 4]` inputs, and a mask where example 1 ends after 25 steps and example 2 after 9. */
function inputs(): { x: tf.Tensor; mask: tf.Tensor } {
  const x = tf.randomNormal([3, STEPS, 4], 0, 1, 'float32', 5);
  const lengths = [STEPS, 25, 9];
  const mask = tf.tensor2d(lengths.map((length) => Array.from({ length: STEPS }, (_, t) => (t < length ? 1 : 0))), [3, STEPS], 'bool');
  return { x, mask };
}

/** A layer with random non-trivial weights (population statistics included). */
function buildLayer(layerCase: HeapCase, x: tf.Tensor): SeqnetRecurrent {
  const layer = new SeqnetRecurrent(layerCase.config);
  layer.apply(x);
  layer.weights.forEach((weight, index) => {
    const shape = weight.shape as number[];
    const random = tf.randomUniform(shape, weight.name.includes('variance') ? 0.5 : -0.6, weight.name.includes('variance') ? 1.5 : 0.6, 'float32', 100 + index);
    weight.write(random);
  });
  return layer;
}

function run(layer: SeqnetRecurrent, x: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
  return layer.apply(x, mask === null ? {} : { mask }) as tf.Tensor;
}

describe('heap inference loop on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  for (const layerCase of CASES) {
    it(`${layerCase.name}: runs without per-step engine kernels and agrees with the cpu backend`, async () => {
      await tf.setBackend('wasm');
      const { x, mask } = inputs();
      const layer = buildLayer(layerCase, x);
      const givenMask = layerCase.masked ? mask : null;
      const profile = await tf.profile(() => run(layer, x, givenMask));
      // The engine's step loop runs several kernels per step; the heap loop only a few per call.
      expect(profile.kernels.length).toBeLessThan(STEPS / 2);
      const onWasm = run(layer, x, givenMask).arraySync();
      await tf.setBackend('cpu');
      const onCpu = run(layer, x, givenMask).arraySync();
      await tf.setBackend('wasm');
      expectClose(onWasm as number[][][], onCpu as number[][][], { rtol: 1e-4, atol: 2e-5 }, layerCase.name);
      layer.dispose();
      tf.dispose([x, mask]);
    });
  }

  it('frees every tensor and heap buffer it makes', () => {
    const { x, mask } = inputs();
    const layer = buildLayer(CASES[1], x);
    tf.dispose(run(layer, x, mask));
    const backend = tf.backend() as unknown as { numDataIds(): number; wasm: { _malloc(bytes: number): number; _free(pointer: number): void } };
    const [tensors, dataIds] = [tf.memory().numTensors, backend.numDataIds()];
    // Every block allocated on the wasm heap during the calls (tensors, shapes, the kernels' structs) is freed.
    const { _malloc: malloc, _free: free } = backend.wasm;
    const live = new Set<number>();
    backend.wasm._malloc = (bytes) => {
      const pointer = malloc(bytes);
      live.add(pointer);
      return pointer;
    };
    backend.wasm._free = (pointer) => {
      live.delete(pointer);
      free(pointer);
    };
    try {
      for (let call = 0; call < 3; call += 1) tf.dispose(run(layer, x, mask));
    } finally {
      Object.assign(backend.wasm, { _malloc: malloc, _free: free });
    }
    expect(live.size).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(dataIds);
    layer.dispose();
    tf.dispose([x, mask]);
  });

  it('leaves gradients at inference to the engine, which records them', () => {
    const { x } = inputs();
    const layer = buildLayer(CASES[1], x);
    const { grads } = tf.variableGrads(() => tf.sum(run(layer, x, null)) as tf.Scalar, layer.trainableWeights.map((weight) => (weight as unknown as { val: tf.Variable }).val));
    const kernelGradient = Object.entries(grads).find(([name]) => name.endsWith('/kernel'));
    expect(kernelGradient).toBeDefined();
    expect(tf.max(tf.abs((kernelGradient as [string, tf.Tensor])[1])).dataSync()[0]).toBeGreaterThan(0);
    layer.dispose();
    tf.dispose([x, ...Object.values(grads)]);
  });
});
