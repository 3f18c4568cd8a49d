/** Training through SeqnetRecurrent: every trainable weight gets a gradient, and no step leaks tensors. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import type { SeqnetRecurrentConfig } from '../../src/runtime/recurrent/index.js';
import { batchNormAt, layerNormAt, maxDifference, NO_DROPOUT, plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const VARIANTS: Record<string, SeqnetRecurrentConfig> = {
  'plain lstm': plainConfig('lstm', 4),
  'ba2016 lstm': plainConfig('lstm', 4, { norms: [layerNormAt('input'), layerNormAt('recurrent'), layerNormAt('cell')] }),
  'cooijmans lstm, masked': plainConfig('lstm', 4, {
    norms: [batchNormAt('input', 'per_step', 3), batchNormAt('recurrent', 'per_step', 3), batchNormAt('cell', 'per_step', 3)],
  }),
  'gru reset after, rms, all dropouts': plainConfig('gru', 4, {
    resetAfter: true,
    norms: [{ ...layerNormAt('recurrent', 'gates_and_candidate'), kind: 'rms' }, layerNormAt('gates', 'per_gate')],
    dropout: { input: { rate: 0.2, mask: 'step' }, recurrent: { rate: 0.2 }, candidate: { rate: 0.2, mask: 'sequence' }, zoneout: { cell: 0, hidden: 0.1 } },
  }),
  'bidirectional rnn, shared bn': plainConfig('rnn', 4, { bidirectional: { merge: 'concat' }, norms: [batchNormAt('input', 'shared')], dropout: NO_DROPOUT }),
};

describe('training', () => {
  for (const [variant, config] of Object.entries(VARIANTS)) {
    it(`${variant}: gradients reach every trainable weight; tensor count is stable across steps`, () => {
      const layer = new SeqnetRecurrent(config);
      const x = sequenceInput(4, 5, 3);
      const mask = variant.includes('masked') ? tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 1, 1, 0], [1, 0, 0, 0, 0]]) : undefined;
      layer.apply(x);
      const optimizer = tf.train.adam(0.01);
      const loss = () => tf.mean(tf.square(layer.apply(x, { training: true, mask }) as tf.Tensor)) as tf.Scalar;
      const { grads } = tf.variableGrads(loss, layer.trainableWeights.map((w) => w.read() as tf.Variable));
      for (const weight of layer.trainableWeights) {
        const grad = grads[(weight.read() as tf.Variable).name];
        expect(grad, weight.name).toBeDefined();
        expect(maxDifference(grad, tf.zerosLike(grad)), weight.name).toBeGreaterThan(0);
      }
      tf.dispose(grads);
      optimizer.minimize(loss);
      const counts: number[] = [];
      for (let step = 0; step < 3; step += 1) {
        optimizer.minimize(loss);
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts).size).toBe(1);
    });
  }

  it('inference leaks nothing', () => {
    const layer = new SeqnetRecurrent(VARIANTS['cooijmans lstm, masked']);
    const x = sequenceInput(2, 6, 3);
    tf.dispose(layer.apply(x) as tf.Tensor);
    const before = tf.memory().numTensors;
    tf.dispose(layer.apply(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
  });
});
