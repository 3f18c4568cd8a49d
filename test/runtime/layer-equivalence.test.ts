/** With no norms and no dropout, SeqnetRecurrent computes what tfjs's lstm / gru / simpleRNN compute. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Activation, CellKind } from '../../src/ir/types.js';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import { maxDifference, plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tfjsLayer(cell: CellKind, units: number, recurrentActivation: Activation, extra: { goBackwards?: boolean; returnSequences?: boolean }) {
  const common = {
    units,
    returnSequences: extra.returnSequences ?? true,
    goBackwards: extra.goBackwards ?? false,
    biasInitializer: 'randomNormal' as const,
  };
  const recurrent = recurrentActivation === 'hard_sigmoid' ? 'hardSigmoid' : 'sigmoid';
  if (cell === 'lstm') return tf.layers.lstm({ ...common, recurrentActivation: recurrent });
  if (cell === 'gru') return tf.layers.gru({ ...common, recurrentActivation: recurrent });
  return tf.layers.simpleRNN(common);
}

/** Runs both layers on one input with tfjs's (random) weights copied into the seqnet layer. */
function compare(cell: CellKind, recurrentActivation: Activation, extra: { goBackwards?: boolean; returnSequences?: boolean } = {}) {
  const x = sequenceInput(3, 6, 5);
  const reference = tfjsLayer(cell, 4, recurrentActivation, extra);
  const expected = reference.apply(x) as tf.Tensor;
  const layer = new SeqnetRecurrent(
    plainConfig(cell, 4, { recurrentActivation, goBackwards: extra.goBackwards, returnSequences: extra.returnSequences ?? true }),
  );
  layer.apply(x);
  layer.setWeights(reference.getWeights());
  const actual = layer.apply(x) as tf.Tensor;
  expect(actual.shape).toEqual(expected.shape);
  return maxDifference(actual, expected);
}

describe('SeqnetRecurrent equals tfjs layers given the same weights', () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    for (const recurrentActivation of ['sigmoid', 'hard_sigmoid'] as const) {
      if (cell === 'rnn' && recurrentActivation === 'hard_sigmoid') continue;
      it(`${cell} with ${recurrentActivation}`, () => {
        expect(compare(cell, recurrentActivation)).toBeLessThan(1e-5);
      });
    }
    it(`${cell} going backwards, last output only`, () => {
      expect(compare(cell, 'sigmoid', { goBackwards: true, returnSequences: false })).toBeLessThan(1e-5);
    });
    it(`${cell} going backwards, whole sequence in processing order`, () => {
      expect(compare(cell, 'sigmoid', { goBackwards: true })).toBeLessThan(1e-5);
    });
  }

  it('names its weights as the contract says', () => {
    const layer = new SeqnetRecurrent({ ...plainConfig('lstm', 4), name: 'rec' });
    layer.apply(sequenceInput(2, 3, 5));
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([
      ['rec/kernel', [5, 16]],
      ['rec/recurrent_kernel', [4, 16]],
      ['rec/bias', [16]],
    ]);
  });
});
