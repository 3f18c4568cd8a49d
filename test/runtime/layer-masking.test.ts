/** Masked (padded) steps carry the state unchanged and output zeros; masks from tf.layers.masking work. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import { layerNormAt, maxDifference, plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('masking', () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    it(`${cell}: padding at the end changes nothing but zero outputs`, () => {
      const layer = new SeqnetRecurrent(plainConfig(cell, 3, { returnState: true, norms: [layerNormAt('recurrent')] }));
      const x = sequenceInput(2, 4, 2);
      const padded = tf.concat([x, tf.fill([2, 3, 2], 7)], 1);
      const mask = tf.concat([tf.ones([2, 4]), tf.zeros([2, 3])], 1);
      const [outputs, h] = layer.apply(x) as tf.Tensor[];
      const [paddedOutputs, paddedH] = layer.apply(padded, { mask }) as tf.Tensor[];
      expect(maxDifference(paddedOutputs.slice([0, 0, 0], [2, 4, 3]), outputs)).toBeLessThan(1e-6);
      expect(maxDifference(paddedOutputs.slice([0, 4, 0], [2, 3, 3]), tf.zeros([2, 3, 3]))).toBe(0);
      expect(maxDifference(paddedH, h)).toBeLessThan(1e-6);
    });
  }

  it('takes the mask of a preceding tf.layers.masking in a model and matches tfjs lstm’s final state', () => {
    const input = tf.input({ shape: [5, 2] });
    const masked = tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor;
    const reference = tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', biasInitializer: 'randomNormal' });
    const layer = new SeqnetRecurrent(plainConfig('lstm', 3, { returnSequences: false }));
    const model = tf.model({ inputs: input, outputs: [reference.apply(masked) as tf.SymbolicTensor, layer.apply(masked) as tf.SymbolicTensor] });
    layer.setWeights(reference.getWeights());
    const x = tf.concat([sequenceInput(3, 3, 2), tf.zeros([3, 2, 2])], 1);
    const [expected, actual] = model.predict(x) as tf.Tensor[];
    expect(maxDifference(actual, expected)).toBeLessThan(1e-5);
  });

  it('propagates the mask when returning sequences, and not otherwise', () => {
    const x = sequenceInput(1, 3, 2);
    const mask = tf.tensor2d([[1, 1, 0]]);
    const sequences = new SeqnetRecurrent(plainConfig('gru', 2));
    const last = new SeqnetRecurrent(plainConfig('gru', 2, { returnSequences: false }));
    expect(sequences.computeMask(x, mask)).toBe(mask);
    expect(last.computeMask(x, mask)).toBeNull();
  });

  it('bidirectional: the backward direction starts at the last valid step', () => {
    const config = plainConfig('lstm', 3, { bidirectional: { merge: 'concat' }, returnSequences: false });
    const layer = new SeqnetRecurrent(config);
    const x = sequenceInput(2, 4, 2);
    const padded = tf.concat([x, tf.fill([2, 2, 2], -3)], 1);
    const mask = tf.concat([tf.ones([2, 4]), tf.zeros([2, 2])], 1);
    const unpadded = layer.apply(x) as tf.Tensor;
    expect(unpadded.shape).toEqual([2, 6]);
    expect(maxDifference(layer.apply(padded, { mask }) as tf.Tensor, unpadded)).toBeLessThan(1e-6);
  });
});
