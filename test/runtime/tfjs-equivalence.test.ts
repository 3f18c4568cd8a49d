/**
 * With every norm and dropout off, `SeqnetRecurrent` given tfjs's own (randomly initialized) weights computes
 * what `tf.layers.lstm` / `gru` / `simpleRNN` and `tf.layers.bidirectional` compute (docs/runtime.md,
 * Reference values, "Conventions to match"), for both gate activations tfjs offers by name, both directions,
 * and masks.
 * tfjs repeats the last output at masked steps where seqnet outputs zeros, so masked comparisons use the
 * states and the valid steps.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import type { CellKind } from '../../src/ir/types.js';
import { describeBackends, expectClose } from '../helpers/backends.js';
import { TestRandom } from '../helpers/random.js';
import { findWeight, layerConfig, plainConfig } from '../helpers/recurrent.js';
import { SeqnetRecurrent } from '../../src/runtime/index.js';
import { RAGGED_MASK } from './reference/cases.js';
import type { ReferenceConfig } from './reference/types.js';

const STEPS = 4;
const FEATURES = 2;
const UNITS = 3;
const TOLERANCE = { rtol: 1e-5, atol: 1e-6 };
type GateActivation = 'sigmoid' | 'hardSigmoid';

interface Variant {
  cell: CellKind;
  gate: GateActivation;
  goBackwards: boolean;
  returnSequences: boolean;
}

function tfjsCell(v: Variant, returnState: boolean): tf.layers.Layer {
  const common = {
    units: UNITS,
    activation: 'tanh' as const,
    returnSequences: v.returnSequences,
    returnState,
    goBackwards: v.goBackwards,
    // A random bias, so the bias layout is checked too (tfjs's default is zeros).
    biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 3 }),
  };
  if (v.cell === 'lstm') return tf.layers.lstm({ ...common, recurrentActivation: v.gate });
  if (v.cell === 'gru') return tf.layers.gru({ ...common, recurrentActivation: v.gate });
  return tf.layers.simpleRNN(common);
}

function seqnetConfig(v: Variant, bidirectional: ReferenceConfig['bidirectional'] = null): ReferenceConfig {
  return plainConfig(v.cell, UNITS, {
    recurrentActivation: v.gate === 'sigmoid' ? 'sigmoid' : 'hard_sigmoid',
    returnSequences: v.returnSequences,
    goBackwards: v.goBackwards,
    bidirectional,
    returnState: bidirectional === null,
  });
}

/** Copies tfjs's weights (kernel, recurrent kernel, bias per direction, in that order) into the seqnet layer by name. */
function copyWeights(from: tf.layers.Layer, to: tf.layers.Layer, prefixes: string[]): void {
  const values = from.getWeights();
  prefixes.forEach((prefix, d) => {
    ['kernel', 'recurrent_kernel', 'bias'].forEach((name, k) => findWeight(to, `${prefix}${name}`).write(values[3 * d + k]));
  });
}

function run(layer: tf.layers.Layer, x: tf.Tensor, mask?: boolean[][]): unknown[] {
  return tf.tidy(() => {
    const kwargs = mask === undefined ? {} : { mask: tf.tensor2d(mask.map((r) => r.map(Number)), undefined, 'bool') };
    return [layer.apply(x, kwargs) as tf.Tensor | tf.Tensor[]].flat().map((t) => t.arraySync());
  });
}

function variants(): Variant[] {
  const list: Variant[] = [];
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    for (const gate of cell === 'rnn' ? (['sigmoid'] as const) : (['sigmoid', 'hardSigmoid'] as const)) {
      for (const goBackwards of [false, true]) for (const returnSequences of [true, false]) list.push({ cell, gate, goBackwards, returnSequences });
    }
  }
  return list;
}

const label = (v: Variant) => `${v.cell}, ${v.gate}${v.goBackwards ? ', go backwards' : ''}, ${v.returnSequences ? 'sequences' : 'last output'}`;

describeBackends(['cpu', 'wasm'], () => {
  for (const v of variants()) {
    it(`equals tf.layers.${v.cell === 'rnn' ? 'simpleRNN' : v.cell} (${label(v)})`, () => {
      const random = new TestRandom(61);
      const x = tf.tensor3d(random.tensor3(3, STEPS, FEATURES, -2, 2));
      const reference = tfjsCell(v, true);
      const expected = run(reference, x);
      const layer = new SeqnetRecurrent(layerConfig(seqnetConfig(v)));
      run(layer, x);
      copyWeights(reference, layer, ['']);
      const actual = run(layer, x);
      expect(actual.length).toBe(expected.length);
      actual.forEach((value, k) => expectClose(value as number[], expected[k] as number[], TOLERANCE, k === 0 ? 'output' : `state ${k - 1}`));
      x.dispose();
    });
  }

  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    it(`${cell}: masked sequences give tfjs's final states and valid-step outputs`, () => {
      const random = new TestRandom(62);
      const v: Variant = { cell, gate: 'sigmoid', goBackwards: false, returnSequences: true };
      const x = tf.tensor3d(random.tensor3(3, STEPS, FEATURES, -2, 2));
      const reference = tfjsCell(v, true);
      const expected = run(reference, x, RAGGED_MASK);
      const layer = new SeqnetRecurrent(layerConfig(seqnetConfig(v)));
      run(layer, x);
      copyWeights(reference, layer, ['']);
      const actual = run(layer, x, RAGGED_MASK);
      actual.slice(1).forEach((state, k) => expectClose(state as number[][], expected[k + 1] as number[][], TOLERANCE, `state ${k}`));
      const valid = (y: unknown) => (y as number[][][]).map((sequence, b) => sequence.filter((_, t) => RAGGED_MASK[b][t]));
      expectClose(valid(actual[0]).flat(), valid(expected[0]).flat(), TOLERANCE, 'valid steps');
      x.dispose();
    });

    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      it(`${cell}: bidirectional ${mergeMode} equals tf.layers.bidirectional`, () => {
        const random = new TestRandom(63);
        const v: Variant = { cell, gate: 'sigmoid', goBackwards: false, returnSequences: mergeMode !== 'mul' };
        const x = tf.tensor3d(random.tensor3(3, STEPS, FEATURES, -2, 2));
        const reference = tf.layers.bidirectional({ layer: tfjsCell(v, false) as tf.RNN, mergeMode });
        const expected = run(reference, x);
        const layer = new SeqnetRecurrent(layerConfig(seqnetConfig(v, { merge: mergeMode })));
        run(layer, x);
        copyWeights(reference, layer, ['forward/', 'backward/']);
        expectClose(run(layer, x)[0] as number[], expected[0] as number[], TOLERANCE, 'merged output');
        x.dispose();
      });
    }
  }

  it('LSTM forget bias init 1 gives the initial bias of tfjs unitForgetBias', () => {
    const reference = tf.layers.lstm({ units: UNITS, unitForgetBias: true });
    const layer = new SeqnetRecurrent(layerConfig(plainConfig('lstm', UNITS, { forgetBias: { init: 1, constant: 0 } })));
    const x = tf.zeros([1, STEPS, FEATURES]);
    run(reference, x);
    run(layer, x);
    expect(findWeight(layer, 'bias').read().arraySync()).toEqual(reference.getWeights()[2].arraySync());
    x.dispose();
  });
});
