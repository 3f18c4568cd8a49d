/** Batch-normalized recurrent networks (Laurent et al. 2016): BN on the input term only. */
import { batchNorm } from './norm-builders.js';
import type { NormPreset, PresetExpansion } from './types.js';

export const laurent2016: NormPreset = {
  name: 'laurent2016',
  cells: ['lstm', 'gru', 'rnn'],
  doc:
    'Laurent et al., "Batch Normalized Recurrent Neural Networks" (2016): h = φ(BN(W·x) + U·h) with statistics over batch and ' +
    'time (sequence-wise); its β replaces the bias. ε 1e-5, momentum 0.99.',
  expand(): PresetExpansion {
    return {
      norms: [batchNorm('input', { epsilon: 1e-5, statistics: 'shared', maxSteps: null, momentum: 0.99 })],
      overrides: { useBias: false },
    };
  },
};
