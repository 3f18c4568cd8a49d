/** Layer-normalized LSTM, GRU and RNN as Ba, Kiros & Hinton (2016) and their code wrote them. */
import type { CellKind } from '../types.js';
import { layerNorm } from './norm-builders.js';
import type { NormPreset, PresetExpansion } from './types.js';

const EPSILON = 1e-5;

export const ba2016: NormPreset = {
  name: 'ba2016',
  cells: ['lstm', 'gru', 'rnn'],
  doc:
    'Ba, Kiros & Hinton, "Layer Normalization" (2016), and the authors\' code: LN(W·x) + LN(U·h) + b with the bias after the norms; ' +
    'LSTM: LN over all four gates and LN(c) for the output only (the carried c is not normalized); GRU: gates and candidate ' +
    'normalized separately with the reset gate after the recurrent matmul. ε 1e-5.',
  expand(cell: CellKind): PresetExpansion {
    if (cell === 'gru') {
      const groups = 'gates_and_candidate' as const;
      return {
        norms: [layerNorm('input', { epsilon: EPSILON, groups }), layerNorm('recurrent', { epsilon: EPSILON, groups })],
        overrides: { resetAfter: true },
      };
    }
    const norms = [layerNorm('input', { epsilon: EPSILON }), layerNorm('recurrent', { epsilon: EPSILON })];
    if (cell === 'lstm') norms.push(layerNorm('cell', { epsilon: EPSILON, carry: false }));
    return { norms, overrides: {} };
  },
};
