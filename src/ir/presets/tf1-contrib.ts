/** TensorFlow 1's `tf.contrib.rnn.LayerNormBasicLSTMCell`. */
import { layerNorm } from './norm-builders.js';
import type { NormPreset, PresetExpansion } from './types.js';

const EPSILON = 1e-12;

export const tf1Contrib: NormPreset = {
  name: 'tf1_contrib',
  cells: ['lstm'],
  doc:
    'TensorFlow 1 `tf.contrib.rnn.LayerNormBasicLSTMCell`: one LN per gate on the joint projection W·[x, h] (no bias), a constant ' +
    'forget bias of 1 added every step, and LN(c) carried to the next step. ε 1e-12.',
  expand(): PresetExpansion {
    return {
      norms: [layerNorm('gates', { epsilon: EPSILON, groups: 'per_gate' }), layerNorm('cell', { epsilon: EPSILON, carry: true })],
      overrides: { useBias: false, forgetBias: { init: 0, constant: 1 } },
    };
  },
};
