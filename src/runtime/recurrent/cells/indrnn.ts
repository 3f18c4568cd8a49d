/** The IndRNN step (one recurrent weight per unit) with normalization sites, candidate dropout, recurrent dropout and zoneout. */
import * as tf from '@tensorflow/tfjs';
import { applyZoneout } from '../dropout.js';
import type { CellDefinition, CellCall, StepFn } from './types.js';

/**
 * ```
 * h_t = N_hidden(m_cand ⊙ act(N_gates(N_in(x_t·W) + N_rec(u ⊙ (m_rec ⊙ h_{t−1}))) + b))
 * zoneout: h ← h_t + d_h ⊙ (h_{t−1} − h_t)
 * ```
 * `u` (`recurrentKernel`, `[units]`) scales each unit's own previous state: no unit sees another's, which is
 * what lets a relu IndRNN keep a state over long sequences. Source: Li et al. 2018, "Independently Recurrent
 * Neural Network (IndRNN)"; the norm sites and dropout forms are the simple RNN's.
 */
export const indrnnCell: CellDefinition = {
  createStep(call: CellCall): StepFn {
    const { norms, dropout } = call;
    return (step, input, [h]) => {
      const mask = call.stepMask(step);
      const hIn = dropout.recurrent === null ? h : tf.mul(h, dropout.recurrent);
      let z = tf.add(input, norms.apply('recurrent', tf.mul(hIn, call.recurrentKernel), step, mask));
      z = norms.apply('gates', z, step, mask);
      if (call.bias !== null) z = tf.add(z, call.bias);
      const candidateMask = dropout.candidate(step);
      const activated = candidateMask === null ? call.activation(z) : tf.mul(call.activation(z), candidateMask);
      const hNew = norms.apply('hidden', activated, step, mask);
      return [applyZoneout(h, hNew, dropout.zoneoutHidden(step))];
    };
  },
};
