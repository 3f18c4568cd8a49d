/** Bidirectional layers against two unidirectional layers with the same weights, and output shapes. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import { layerNormAt, maxDifference, plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('bidirectional', () => {
  const merges = { concat: (a: tf.Tensor, b: tf.Tensor) => tf.concat([a, b], -1), sum: tf.add, mul: tf.mul, ave: (a: tf.Tensor, b: tf.Tensor) => tf.div(tf.add(a, b), 2) };
  for (const [merge, combine] of Object.entries(merges)) {
    it(`merge ${merge} of forward and (re-aligned) backward passes`, () => {
      const norms = [layerNormAt('input'), layerNormAt('hidden')];
      const x = sequenceInput(2, 5, 3);
      const both = new SeqnetRecurrent(plainConfig('gru', 4, { bidirectional: { merge: merge as 'concat' }, norms, name: `bi_${merge}` }));
      const forward = new SeqnetRecurrent(plainConfig('gru', 4, { norms }));
      const backward = new SeqnetRecurrent(plainConfig('gru', 4, { norms, goBackwards: true }));
      both.apply(x);
      forward.apply(x);
      backward.apply(x);
      const names = both.weights.map((w) => w.originalName.replace(`bi_${merge}/`, ''));
      expect(names.slice(0, 3)).toEqual(['forward/kernel', 'forward/recurrent_kernel', 'forward/bias']);
      expect(names).toContain('backward/hidden_norm/gamma');
      const weights = both.getWeights();
      forward.setWeights(weights.slice(0, weights.length / 2));
      backward.setWeights(weights.slice(weights.length / 2));
      const expected = combine(forward.apply(x) as tf.Tensor, tf.reverse(backward.apply(x) as tf.Tensor, 1));
      expect(maxDifference(both.apply(x) as tf.Tensor, expected)).toBeLessThan(1e-6);
    });
  }

  it('returns [output, forward h, c, backward h, c] with returnState and declares those shapes', () => {
    const layer = new SeqnetRecurrent(plainConfig('lstm', 4, { bidirectional: { merge: 'sum' }, returnState: true }));
    const outputs = layer.apply(sequenceInput(2, 3, 3)) as tf.Tensor[];
    expect(outputs.map((t) => t.shape)).toEqual([[2, 3, 4], [2, 4], [2, 4], [2, 4], [2, 4]]);
    expect(layer.computeOutputShape([null, 3, 3])).toEqual([[null, 3, 4], [null, 4], [null, 4], [null, 4], [null, 4]]);
    const symbolic = layer.apply(tf.input({ shape: [3, 3] })) as tf.SymbolicTensor[];
    expect(symbolic).toHaveLength(5);
  });

  it('takes the initial states of both directions, and says how many it needs', () => {
    const layer = new SeqnetRecurrent(plainConfig('lstm', 2, { bidirectional: { merge: 'concat' }, returnSequences: false, returnState: true }));
    const x = sequenceInput(1, 1, 3);
    const states = [0.1, 0.2, 0.3, 0.4].map((value) => tf.fill([1, 2], value));
    const [, ...finalStates] = layer.apply(x, { initialState: states }) as tf.Tensor[];
    const [, ...fromZero] = layer.apply(x) as tf.Tensor[];
    finalStates.forEach((state, i) => expect(maxDifference(state, fromZero[i])).toBeGreaterThan(1e-4));
    expect(() => layer.apply(x, { initialState: states.slice(0, 2) })).toThrow(/initialState needs 4 tensor\(s\)/);
  });
});
