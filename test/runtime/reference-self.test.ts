/** Self-tests of the float64 reference: without norms it must equal tfjs's own lstm, gru and simpleRNN. */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import type { CellKind } from '../../src/ir/types.js';
import { describeBackends, expectClose } from '../helpers/backends.js';
import { TestRandom } from '../helpers/random.js';
import { plainConfig, randomWeights } from '../helpers/recurrent.js';
import { runReference } from './reference/run.js';
import type { DirectionWeights } from './reference/types.js';

const BATCH = 3;
const STEPS = 4;
const FEATURES = 2;
const UNITS = 3;

function tfjsLayer(cell: CellKind, recurrentActivation: 'sigmoid' | 'hardSigmoid', goBackwards: boolean): tf.layers.Layer {
  const common = { units: UNITS, returnSequences: true, returnState: true, goBackwards, activation: 'tanh' as const };
  if (cell === 'lstm') return tf.layers.lstm({ ...common, recurrentActivation });
  if (cell === 'gru') return tf.layers.gru({ ...common, recurrentActivation });
  return tf.layers.simpleRNN(common);
}

function runTfjs(layer: tf.layers.Layer, weights: DirectionWeights, x: number[][][], mask?: boolean[][]): unknown[] {
  return tf.tidy(() => {
    const input = tf.tensor3d(x);
    layer.apply(input);
    layer.setWeights([tf.tensor2d(weights.kernel), tf.tensor2d(weights.recurrentKernel), tf.tensor1d(weights.bias as number[])]);
    const args = mask === undefined ? {} : { mask: tf.tensor2d(mask.map((r) => r.map(Number)), undefined, 'bool') };
    return [layer.apply(input, args) as tf.Tensor[]].flat().map((t) => t.arraySync());
  });
}

describeBackends(['cpu'], () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    for (const gate of ['sigmoid', 'hardSigmoid'] as const) {
      if (cell === 'rnn' && gate === 'hardSigmoid') continue;
      for (const goBackwards of [false, true]) {
        it(`reference ${cell} (${gate}, goBackwards ${goBackwards}) equals tf.layers.${cell}`, () => {
          const random = new TestRandom(11);
          const config = plainConfig(cell, UNITS, { recurrentActivation: gate === 'sigmoid' ? 'sigmoid' : 'hard_sigmoid', returnState: true, goBackwards });
          const weights = randomWeights(config, FEATURES, random, 1.5);
          const x = random.tensor3(BATCH, STEPS, FEATURES, -2, 2);
          const expected = runTfjs(tfjsLayer(cell, gate, goBackwards), weights[0], x);
          const reference = runReference(config, weights, x, { training: false });
          expectClose(reference.output as number[][][], expected[0] as number[][][], 1e-5, 'sequence');
          reference.states.forEach((state, k) => expectClose(state, expected[k + 1] as number[][], 1e-5, `state ${k}`));
        });
      }
    }
  }

  it('reference masking agrees with tfjs on the carried state (tfjs repeats the last output where seqnet zeroes it)', () => {
    const random = new TestRandom(5);
    const config = plainConfig('lstm', UNITS, { returnState: true });
    const weights = randomWeights(config, FEATURES, random);
    const x = random.tensor3(BATCH, STEPS, FEATURES);
    const mask = [[true, true, true, true], [true, true, false, false], [true, false, false, false]];
    const expected = runTfjs(tfjsLayer('lstm', 'sigmoid', false), weights[0], x, mask);
    const reference = runReference(config, weights, x, { training: false, mask });
    reference.states.forEach((state, k) => expectClose(state, expected[k + 1] as number[][], 1e-5, `state ${k}`));
    const sequence = reference.output as number[][][];
    expectClose(sequence[0], (expected[0] as number[][][])[0], 1e-5, 'unpadded example');
    expect(sequence[1][2]).toEqual([0, 0, 0]);
  });
});
