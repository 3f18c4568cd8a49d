/** Recurrent batch normalization (Cooijmans et al. 2016). */
import type { CellKind } from '../types.js';
import { batchNorm } from './norm-builders.js';
import type { NormPreset, PresetExpansion, PresetInput } from './types.js';

export const cooijmans2016: NormPreset = {
  name: 'cooijmans2016',
  cells: ['lstm', 'gru', 'rnn'],
  doc:
    'Cooijmans et al., "Recurrent Batch Normalization" (2016): BN(W·x) + BN(U·h) + b with separate statistics per time step, ' +
    'γ starting at 0.1 and no β (the bias shifts); LSTM: BN(c) for the output only (γ 0.1, β 0). ε 1e-5, momentum 0.99.',
  expand(cell: CellKind, input: PresetInput): PresetExpansion {
    const statistics = { statistics: 'per_step' as const, maxSteps: input.steps, momentum: 0.99, epsilon: 1e-5, gamma: 0.1 };
    const norms = [batchNorm('input', { ...statistics, center: false }), batchNorm('recurrent', { ...statistics, center: false })];
    if (cell === 'lstm') norms.push(batchNorm('cell', { ...statistics, center: true, beta: 0 }));
    return { norms, overrides: {} };
  },
};
