import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { getRandomState, seedRandom } from '../../src/runtime/random.js';
import { LastStep, RmsNormalization, SequenceDropout, SequencePooling } from '../../src/runtime/sequence/index.js';

/** Two sequences of 4 steps × 2 features; the second is padded (-1) after 2 steps. */
const VALUES = [
  [[1, 2], [3, -4], [5, 6], [0.5, 7]],
  [[2, 8], [-6, 1], [-1, -1], [-1, -1]],
];
const VALID_STEPS = [4, 2];

function maskedModel(layer: tf.layers.Layer): tf.LayersModel {
  const input = tf.input({ shape: [4, 2] });
  const masked = tf.layers.masking({ maskValue: -1 }).apply(input);
  return tf.model({ inputs: input, outputs: layer.apply(masked) as tf.SymbolicTensor });
}

function predict(model: tf.LayersModel, values: number[][][]): number[][] {
  return (model.predict(tf.tensor3d(values)) as tf.Tensor).arraySync() as number[][];
}

function validSteps(row: number): number[][] {
  return VALUES[row].slice(0, VALID_STEPS[row]);
}

describe('SequencePooling', () => {
  it('averages only the valid steps', () => {
    const pooled = predict(maskedModel(new SequencePooling({ mode: 'mean' })), VALUES);
    for (const row of [0, 1]) {
      const steps = validSteps(row);
      const expected = [0, 1].map((f) => steps.reduce((sum, step) => sum + step[f], 0) / steps.length);
      expect(pooled[row][0]).toBeCloseTo(expected[0], 5);
      expect(pooled[row][1]).toBeCloseTo(expected[1], 5);
    }
  });

  it('takes the max over the valid steps only (padding -1 would win feature 1 of row 1 otherwise)', () => {
    const pooled = predict(maskedModel(new SequencePooling({ mode: 'max' })), VALUES);
    expect(pooled[0]).toEqual([5, 7]);
    expect(pooled[1]).toEqual([2, 8]);
    const negative = predict(maskedModel(new SequencePooling({ mode: 'max' })), [VALUES[0], [[-3, -5], [-2, -9], [-1, -1], [-1, -1]]]);
    expect(negative[1]).toEqual([-2, -5]);
  });
});

describe('LastStep', () => {
  it('returns the last unmasked step of each sequence', () => {
    const last = predict(maskedModel(new LastStep()), VALUES);
    expect(last[0]).toEqual([0.5, 7]);
    expect(last[1]).toEqual([-6, 1]);
  });

  it('returns the final step without a mask', () => {
    const input = tf.input({ shape: [4, 2] });
    const model = tf.model({ inputs: input, outputs: new LastStep().apply(input) as tf.SymbolicTensor });
    expect(predict(model, VALUES)[1]).toEqual([-1, -1]);
  });
});

describe('RmsNormalization', () => {
  it('divides by the root mean square over features, times γ, plus β', () => {
    const layer = new RmsNormalization({ epsilon: 1e-6, center: true, gammaInit: 0.5, betaInit: 0.25 });
    const out = layer.apply(tf.tensor3d(VALUES)) as tf.Tensor;
    const result = out.arraySync() as number[][][];
    for (const [row, step] of [[0, 1], [1, 0], [0, 3]]) {
      const [a, b] = VALUES[row][step];
      const rms = Math.sqrt((a * a + b * b) / 2 + 1e-6);
      expect(result[row][step][0]).toBeCloseTo((0.5 * a) / rms + 0.25, 5);
      expect(result[row][step][1]).toBeCloseTo((0.5 * b) / rms + 0.25, 5);
    }
    expect(layer.getWeights().map((weight) => weight.shape)).toEqual([[2], [2]]);
  });

  it('has no β without centering and survives a serialization round trip', () => {
    const layer = new RmsNormalization({ epsilon: 1e-6, center: false, gammaInit: 1, betaInit: 0 });
    layer.apply(tf.zeros([1, 3, 4]));
    expect(layer.getWeights()).toHaveLength(1);
    const config = layer.getConfig();
    expect(config).toMatchObject({ epsilon: 1e-6, center: false, gammaInit: 1, betaInit: 0 });
  });
});

describe('SequenceDropout', () => {
  const ones = tf.ones([3, 5, 8]);

  function drop(mask: 'step' | 'sequence', training: boolean): number[][][] {
    const layer = new SequenceDropout({ rate: 0.5, mask });
    return (layer.apply(ones, { training }) as tf.Tensor).arraySync() as number[][][];
  }

  it('is the identity at inference', () => {
    expect(drop('step', false)).toEqual(ones.arraySync());
  });

  it('zeroes or scales by 1/keep, and a per-sequence mask is shared by every step', () => {
    const dropped = drop('sequence', true);
    for (const sequence of dropped) {
      for (const step of sequence) {
        expect(step).toEqual(sequence[0]);
        for (const value of step) expect([0, 2]).toContain(value);
      }
    }
  });

  it('draws a per-step mask that differs across steps, and a new mask on each call', () => {
    seedRandom(3);
    const first = drop('step', true);
    const second = drop('step', true);
    expect(first[0][0]).not.toEqual(first[0][1]);
    expect(second).not.toEqual(first);
  });

  it('takes its masks from the seqnet random stream, so a reseeded stream repeats them', () => {
    seedRandom(11);
    const first = drop('step', true);
    const state = getRandomState();
    seedRandom(11);
    expect(drop('step', true)).toEqual(first);
    expect(getRandomState()).toBe(state);
  });
});

describe('mask propagation through norm, dropout and dense to a head', () => {
  it('gives a padded sequence the same output as the unpadded one', () => {
    const build = (steps: number, masked: boolean) => {
      const input = tf.input({ shape: [steps, 2] });
      let x = masked ? (tf.layers.masking({ maskValue: -1 }).apply(input) as tf.SymbolicTensor) : input;
      x = new RmsNormalization({ name: 'rms', epsilon: 1e-6, center: false, gammaInit: 1, betaInit: 0 }).apply(x) as tf.SymbolicTensor;
      x = new SequenceDropout({ name: 'drop', rate: 0.3, mask: 'step' }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.dense({ name: 'dense', units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(x) as tf.SymbolicTensor;
      const mean = new SequencePooling({ mode: 'mean' }).apply(x) as tf.SymbolicTensor;
      const last = new LastStep().apply(x) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: [mean, last] });
    };
    const padded = build(4, true).predict(tf.tensor3d([VALUES[1]])) as tf.Tensor[];
    const unpadded = build(2, false).predict(tf.tensor3d([validSteps(1)])) as tf.Tensor[];
    for (const index of [0, 1]) {
      const [a, b] = [padded[index].dataSync(), unpadded[index].dataSync()];
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    }
  });
});
