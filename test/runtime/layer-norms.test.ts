/** Normalized cells against published golden vectors, and the batch-norm statistics' behaviour. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NormIR } from '../../src/ir/types.js';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import type { SeqnetRecurrentConfig } from '../../src/runtime/recurrent/index.js';
import { batchNormAt, layerNormAt, maxDifference, plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One LSTM step from h0 = [0.2, 0.3], c0 = [0, 0.1] on x = [1, 1] with every weight 0.5 (TF's cell tests). */
function goldenStep(overrides: Partial<SeqnetRecurrentConfig>, biasForget: number | null): number[][] {
  const layer = new SeqnetRecurrent(plainConfig('lstm', 2, { returnSequences: false, returnState: true, ...overrides }));
  const x = tf.ones([1, 1, 2]);
  const initialState = [tf.tensor2d([[0.2, 0.3]]), tf.tensor2d([[0, 0.1]])];
  layer.apply(x, { initialState });
  layer.setWeights(
    layer.weights.map((w) => {
      if (w.originalName.endsWith('gamma')) return tf.ones(w.shape as number[]);
      if (w.originalName.endsWith('beta')) return tf.zeros(w.shape as number[]);
      if (w.originalName.endsWith('bias') && biasForget !== null) return tf.tensor1d([0.5, 0.5, biasForget, biasForget, 0.5, 0.5, 0.5, 0.5]);
      return tf.fill(w.shape as number[], 0.5);
    }),
  );
  const [, h, c] = layer.apply(x, { initialState }) as tf.Tensor[];
  return [Array.from(h.dataSync()), Array.from(c.dataSync())];
}

const epsilon12 = (norm: NormIR): NormIR => ({ ...norm, epsilon: 1e-12 });

describe('layer-normalized LSTM golden vectors', () => {
  it('TF Addons LayerNormLSTMCell: LN over 4u on x·W and h·U, bias after, normalized c carried', () => {
    const norms = [epsilon12(layerNormAt('input')), epsilon12(layerNormAt('recurrent')), epsilon12(layerNormAt('cell', 'all', true))];
    const [h, c] = goldenStep({ norms }, 1);
    expect(h[0]).toBeCloseTo(-0.47406139, 5);
    expect(h[1]).toBeCloseTo(0.47406139, 5);
    expect(c[0]).toBeCloseTo(-1, 5);
    expect(c[1]).toBeCloseTo(1, 5);
  });

  it('TF1 contrib LayerNormBasicLSTMCell: per-gate LN of x·W + h·U, no bias, forget constant 1', () => {
    const norms = [epsilon12(layerNormAt('gates', 'per_gate')), epsilon12(layerNormAt('cell', 'all', true))];
    const [h, c] = goldenStep({ norms, useBias: false, forgetBias: { init: 0, constant: 1 } }, null);
    expect(h[0]).toBeCloseTo(-0.38079708, 5);
    expect(h[1]).toBeCloseTo(0.38079708, 5);
    expect(c[0]).toBeCloseTo(-1, 5);
    expect(c[1]).toBeCloseTo(1, 5);
  });

  it('TF1 BasicLSTMCell without layer norm (forget constant 1, bias 0.5)', () => {
    const [h, c] = goldenStep({ useBias: true, forgetBias: { init: 0, constant: 1 } }, 0.5);
    expect(h[0]).toBeCloseTo(0.56668288, 5);
    expect(h[1]).toBeCloseTo(0.60858738, 5);
    expect(c[0]).toBeCloseTo(0.8020075, 5);
    expect(c[1]).toBeCloseTo(0.89599884, 5);
  });
});

describe('batch norm inside the recurrence', () => {
  const cooijmans = (maxSteps = 4) =>
    plainConfig('lstm', 3, { norms: [batchNormAt('input', 'per_step', maxSteps), batchNormAt('recurrent', 'per_step', maxSteps), batchNormAt('cell', 'per_step', maxSteps)] });

  it('creates per-step population statistics [maxSteps, width] under the contract names', () => {
    const layer = new SeqnetRecurrent({ ...cooijmans(), name: 'bn' });
    layer.apply(sequenceInput(2, 3, 2));
    const shapes = Object.fromEntries(layer.weights.map((w) => [w.name, w.shape]));
    expect(shapes['bn/input_norm/moving_mean']).toEqual([4, 12]);
    expect(shapes['bn/recurrent_norm/moving_variance']).toEqual([4, 12]);
    expect(shapes['bn/cell_norm/moving_mean']).toEqual([4, 3]);
    expect(shapes['bn/cell_norm/beta']).toEqual([3]);
    expect(layer.nonTrainableWeights).toHaveLength(6);
  });

  it('updates population statistics in training calls only', () => {
    const layer = new SeqnetRecurrent(cooijmans());
    const x = sequenceInput(8, 3, 2);
    layer.apply(x);
    const before = layer.getWeights().map((w) => w.clone());
    layer.apply(x, { training: false });
    const afterInference = layer.getWeights();
    before.forEach((w, i) => expect(maxDifference(w, afterInference[i])).toBe(0));
    layer.apply(x, { training: true });
    const movingMean = layer.weights.findIndex((w) => w.originalName.endsWith('input_norm/moving_mean'));
    const updated = layer.getWeights()[movingMean];
    // Rows of the 3 steps seen moved toward the batch means; row 4 (never seen) is still zero.
    expect(maxDifference(updated.slice([0, 0], [3, 12]), tf.zeros([3, 12]))).toBeGreaterThan(1e-3);
    expect(maxDifference(updated.slice([3, 0], [1, 12]), tf.zeros([1, 12]))).toBe(0);
  });

  it('at inference, an example’s output does not depend on the rest of the batch', () => {
    const layer = new SeqnetRecurrent(cooijmans(2));
    const x = sequenceInput(6, 5, 2);
    layer.apply(x, { training: true });
    const alone = layer.apply(x.slice([0, 0, 0], [1, 5, 2])) as tf.Tensor;
    const inBatch = layer.apply(x) as tf.Tensor;
    expect(maxDifference(alone, inBatch.slice([0, 0, 0], [1, 5, 3]))).toBeLessThan(1e-6);
    // In training the minibatch statistics do depend on the batch.
    const trainAlone = layer.apply(x.slice([0, 0, 0], [2, 5, 2]), { training: true }) as tf.Tensor;
    const trainBatch = layer.apply(x, { training: true }) as tf.Tensor;
    expect(maxDifference(trainAlone, trainBatch.slice([0, 0, 0], [2, 5, 3]))).toBeGreaterThan(1e-4);
  });

  it('leaves padded steps out of the minibatch statistics', () => {
    const config = plainConfig('rnn', 3, { norms: [batchNormAt('input', 'shared'), batchNormAt('recurrent', 'per_step')] });
    const layer = new SeqnetRecurrent(config);
    const x = sequenceInput(4, 5, 2);
    const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 1, 1, 1, 0]]);
    const garbage = tf.where(tf.expandDims(tf.cast(mask, 'bool'), -1), x, tf.fill(x.shape, 1000));
    layer.apply(x);
    const clean = layer.apply(x, { training: true, mask }) as tf.Tensor;
    const padded = layer.apply(garbage, { training: true, mask }) as tf.Tensor;
    expect(maxDifference(clean, padded)).toBeLessThan(1e-5);
  });
});
