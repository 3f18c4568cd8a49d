/** TensorFlow Addons' `LayerNormLSTMCell` and `LayerNormSimpleRNNCell`. */
import type { CellKind } from '../types.js';
import { layerNorm } from './norm-builders.js';
import type { NormPreset, PresetExpansion } from './types.js';

export const tfa: NormPreset = {
  name: 'tfa',
  cells: ['lstm', 'rnn'],
  doc:
    'TensorFlow Addons: `LayerNormLSTMCell` normalizes x·W and h·U over all four gates (bias after) and carries LN(c), ε 1e-3; ' +
    '`LayerNormSimpleRNNCell` normalizes the joint pre-activation with a gain only (no β), ε 1e-5.',
  expand(cell: CellKind): PresetExpansion {
    if (cell === 'rnn') return { norms: [layerNorm('gates', { epsilon: 1e-5, center: false })], overrides: {} };
    const epsilon = 1e-3;
    return {
      norms: [layerNorm('input', { epsilon }), layerNorm('recurrent', { epsilon }), layerNorm('cell', { epsilon, carry: true })],
      overrides: {},
    };
  },
};
