/** The simple (Elman) RNN step with normalization sites, candidate dropout, recurrent dropout and zoneout. */
import * as tf from '@tensorflow/tfjs';
import { applyZoneout } from '../dropout.js';
import type { CellDefinition, CellCall, StepFn } from './types.js';

/**
 * ```
 * h_t = N_hidden(m_cand ⊙ act(N_gates(N_in(x_t·W) + N_rec((m_rec ⊙ h_{t−1})·U)) + b))
 * zoneout: h ← h_t + d_h ⊙ (h_{t−1} − h_t)
 * ```
 * Sources: Elman 1990 as tfjs `simpleRNN`; input-only batch norm `φ(BN(W·x_t) + U·h_{t−1})` is Laurent et
 * al. 2016; layer norm on both projections is TF Addons LayerNormSimpleRNNCell's placement.
 */
export const rnnCell: CellDefinition = {
  createStep(call: CellCall): StepFn {
    const { norms, dropout } = call;
    return (step, input, [h]) => {
      const mask = call.stepMask(step);
      const hIn = dropout.recurrent === null ? h : tf.mul(h, dropout.recurrent);
      let z = tf.add(input, norms.apply('recurrent', call.matMul(hIn, call.recurrentKernel, call.recurrentKernelTransposed), step, mask));
      z = norms.apply('gates', z, step, mask);
      if (call.bias !== null) z = tf.add(z, call.bias);
      const candidateMask = dropout.candidate(step);
      const activated = candidateMask === null ? call.activation(z) : tf.mul(call.activation(z), candidateMask);
      const hNew = norms.apply('hidden', activated, step, mask);
      return [applyZoneout(h, hNew, dropout.zoneoutHidden(step))];
    };
  },
};
