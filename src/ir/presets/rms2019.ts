/** Ba et al.'s layer-normalized cells with RMSNorm (Zhang & Sennrich 2019) in place of layer norm. */
import type { CellKind } from '../types.js';
import { rmsNorm } from './norm-builders.js';
import type { NormPreset, PresetExpansion } from './types.js';

const EPSILON = 1e-6;

export const rms2019: NormPreset = {
  name: 'rms2019',
  cells: ['lstm', 'gru', 'rnn'],
  doc:
    'Zhang & Sennrich, "Root Mean Square Layer Normalization" (2019): the ba2016 placement with RMSNorm (no centering, no β) ' +
    'in place of each layer norm. ε 1e-6.',
  expand(cell: CellKind): PresetExpansion {
    if (cell === 'gru') {
      const groups = 'gates_and_candidate' as const;
      return {
        norms: [rmsNorm('input', { epsilon: EPSILON, groups }), rmsNorm('recurrent', { epsilon: EPSILON, groups })],
        overrides: { resetAfter: true },
      };
    }
    const norms = [rmsNorm('input', { epsilon: EPSILON }), rmsNorm('recurrent', { epsilon: EPSILON })];
    if (cell === 'lstm') norms.push(rmsNorm('cell', { epsilon: EPSILON, carry: false }));
    return { norms, overrides: {} };
  },
};
