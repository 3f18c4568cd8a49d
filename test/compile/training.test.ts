import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TrainIR } from '../../src/ir/types.js';
import {
  buildOptimizer,
  clipGradients,
  compileForTraining,
  GuardedOptimizer,
  huber,
  layerSeed,
  lossFor,
  sparseCategoricalCrossentropy,
} from '../../src/runtime/training/index.js';

const ADAM = { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

function values(tensors: tf.Tensor[]): number[][] {
  return tensors.map((tensor) => Array.from(tensor.dataSync()));
}

describe('clipGradients', () => {
  const gradients = () => [tf.tensor1d([3, 4]), tf.tensor1d([12])];

  it('rescales all gradients together to the global norm bound', () => {
    // Global norm √(9 + 16 + 144) = 13; bound 6.5 halves every element.
    const clipped = values(clipGradients(gradients(), { norm: 6.5, value: null }));
    expect(clipped[0][0]).toBeCloseTo(1.5, 6);
    expect(clipped[0][1]).toBeCloseTo(2, 6);
    expect(clipped[1][0]).toBeCloseTo(6, 6);
  });

  it('leaves gradients under the bound unchanged and clips by value element-wise', () => {
    expect(values(clipGradients(gradients(), { norm: 100, value: null }))).toEqual([[3, 4], [12]]);
    expect(values(clipGradients(gradients(), { norm: null, value: 3.5 }))).toEqual([[3, 3.5], [3.5]]);
  });

  it('applies the value clip before the norm clip', () => {
    // After clipping to 4: [3, 4], [4]; norm √41; bound 1 scales by 1/√41.
    const clipped = values(clipGradients(gradients(), { norm: 1, value: 4 }));
    expect(clipped[1][0]).toBeCloseTo(4 / Math.sqrt(41), 6);
  });
});

describe('GuardedOptimizer', () => {
  it('updates variables with the clipped gradient of the wrapped optimizer', () => {
    const weights = tf.variable(tf.tensor1d([0, 0]));
    const optimizer = new GuardedOptimizer(tf.train.sgd(1), { norm: 5, value: null });
    // d/dw of 30·w0 + 40·w1 is [30, 40] (norm 50); clipped to norm 5 → [3, 4]; sgd with rate 1 subtracts it.
    optimizer.minimize(() => tf.sum(tf.mul(weights, tf.tensor1d([30, 40]))) as tf.Scalar);
    const [w0, w1] = Array.from(weights.dataSync());
    expect(w0).toBeCloseTo(-3, 5);
    expect(w1).toBeCloseTo(-4, 5);
  });
});

describe('buildOptimizer', () => {
  const train = (overrides: Partial<TrainIR>) => ({ optimizer: ADAM, clipNorm: null, clipValue: null, ...overrides });

  // tf.Optimizer subclasses answer instanceof by duck typing, so the wrapped optimizers are told apart by class name.
  it('wraps the optimizer in the guard whether or not it clips', () => {
    const plain = buildOptimizer(train({}));
    expect(plain).toBeInstanceOf(GuardedOptimizer);
    expect(plain.inner.getClassName()).toBe('Adam');
    expect(plain.clipping).toEqual({ norm: null, value: null });
    const clipped = buildOptimizer(train({ clipNorm: 1 }));
    expect(clipped.inner.getClassName()).toBe('Adam');
    expect(clipped.clipping).toEqual({ norm: 1, value: null });
    expect(tf.train.adam(0.1)).not.toBeInstanceOf(GuardedOptimizer);
  });

  it('maps sgd with momentum and rmsprop', () => {
    const momentum = buildOptimizer(train({ optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true } }));
    expect(momentum.inner.getClassName()).toBe('Momentum');
    const plain = buildOptimizer(train({ optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false } }));
    expect(plain.inner.getClassName()).toBe('SGD');
    const rmsprop = buildOptimizer(train({ optimizer: { type: 'rmsprop', learningRate: 0.1, decay: 0.9, momentum: 0, epsilon: 1e-7 } }));
    expect(rmsprop.inner.getClassName()).toBe('RMSProp');
  });
});

describe('losses', () => {
  it('huber is quadratic within 1 and linear beyond, averaged over the last axis', () => {
    const loss = huber(tf.tensor2d([[0, 0]]), tf.tensor2d([[0.5, 3]])).dataSync();
    expect(loss[0]).toBeCloseTo((0.5 * 0.25 + (3 - 0.5)) / 2, 6);
  });

  it('sparse categorical cross-entropy is −log of the true class probability', () => {
    const loss = sparseCategoricalCrossentropy(tf.tensor2d([[2], [0]]), tf.tensor2d([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])).dataSync();
    expect(loss[0]).toBeCloseTo(-Math.log(0.7), 5);
    expect(loss[1]).toBeCloseTo(-Math.log(0.5), 5);
  });

  it('a loss weight scales the head loss', () => {
    const value = lossFor('mse', 0.25)(tf.tensor2d([[0, 0]]), tf.tensor2d([[2, 4]]));
    expect(value.dataSync()[0]).toBeCloseTo(0.25 * ((4 + 16) / 2), 5);
  });

  it('reduces a per-step loss to one value per example', () => {
    // Example 0: steps with squared errors (1 + 1)/2 = 1 and (4 + 0)/2 = 2 → 1.5; example 1: 0.
    const yTrue = tf.zeros([2, 2, 2]);
    const yPred = tf.tensor3d([[[1, -1], [2, 0]], [[0, 0], [0, 0]]]);
    const value = lossFor('mse')(yTrue, yPred);
    expect(value.shape).toEqual([2]);
    expect(Array.from(value.dataSync())).toEqual([1.5, 0]);
  });
});

describe('compileForTraining', () => {
  it('trains a per-step head beside a per-sequence head, with weighted losses and per-head metrics', async () => {
    const input = tf.input({ shape: [5, 3] });
    const a = tf.layers.dense({ name: 'a', units: 1 }).apply(input) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling1d({}).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ name: 'b', units: 2, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [a, b] });
    compileForTraining(model, { optimizer: ADAM, clipNorm: 1, clipValue: 0.5 }, [
      { name: 'a', loss: 'huber', lossWeight: 0.5, metrics: ['mae'] },
      { name: 'b', loss: 'sparse_categorical_crossentropy', lossWeight: 1, metrics: ['accuracy'] },
    ]);
    const history = await model.fit(tf.ones([4, 5, 3]), [tf.zeros([4, 5, 1]), tf.zeros([4, 1])], { epochs: 1, verbose: 0 });
    // `accuracy` on a sparse cross-entropy head resolves to sparse categorical accuracy.
    expect(Object.keys(history.history).sort()).toEqual(['a_loss', 'a_mae', 'b_loss', 'b_sparseCategoricalAccuracy', 'loss']);
    expect(Number(history.history.loss[0])).toBeGreaterThan(0);
  });
});

describe('layerSeed', () => {
  it('is deterministic and separates layers and seeds', () => {
    expect(layerSeed(7, 0)).toBe(layerSeed(7, 0));
    const seeds = new Set([layerSeed(7, 0), layerSeed(7, 1), layerSeed(8, 0), layerSeed(8, 1)]);
    expect(seeds.size).toBe(4);
    expect(Number.isInteger(layerSeed(7, 3)) && layerSeed(7, 3) >= 0).toBe(true);
  });
});
