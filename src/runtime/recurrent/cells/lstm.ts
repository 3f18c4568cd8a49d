/** The LSTM step with every normalization site, candidate dropout, recurrent dropout and zoneout. */
import * as tf from '@tensorflow/tfjs';
import { applyZoneout } from '../dropout.js';
import type { CellDefinition, CellCall, StepFn } from './types.js';

/**
 * ```
 * z   = N_gates(N_in(x_t·W) + N_rec((m_rec ⊙ h_{t−1})·U)) + b          gate blocks i, f, c(g), o
 * i = σ(z_i)   f = σ(z_f + forgetConstant)   g = m_cand ⊙ act(z_g)   o = σ(z_o)      σ = recurrentActivation
 * c_t = f ⊙ c_{t−1} + i ⊙ g
 * ĉ   = N_cell(c_t)                       h_t = N_hidden(o ⊙ act(ĉ))
 * carried c = ĉ if the cell norm carries (TF1 contrib, TF Addons) else c_t (Ba et al., Cooijmans et al.)
 * zoneout: c ← c_t + d_c ⊙ (c_{t−1} − c_t), h ← h_t + d_h ⊙ (h_{t−1} − h_t)
 * ```
 * Absent norms are the identity. Sources: Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al.
 * 2000 in the Keras/tfjs layout; norm placements from Ba et al. 2016 (LN), Cooijmans et al. 2016 (BN), TF1
 * contrib LayerNormBasicLSTMCell (gates site, forget constant, carried ĉ); candidate dropout Semeniuta et al.
 * 2016; zoneout Krueger et al. 2017.
 */
export const lstmCell: CellDefinition = {
  createStep(call: CellCall): StepFn {
    const { norms, dropout, units } = call;
    const cellNorm = norms.norm('cell');
    const carryNormalized = cellNorm !== undefined && cellNorm.carry;
    return (step, input, [h, c]) => {
      const mask = call.stepMask(step);
      const hIn = dropout.recurrent === null ? h : tf.mul(h, dropout.recurrent);
      let z = tf.add(input, norms.apply('recurrent', call.matMul(hIn, call.recurrentKernel, call.recurrentKernelTransposed), step, mask));
      z = norms.apply('gates', z, step, mask);
      if (call.bias !== null) z = tf.add(z, call.bias);
      const [zi, zf, zg, zo] = tf.split(z, [units, units, units, units], 1);
      const i = call.recurrentActivation(zi);
      const f = call.recurrentActivation(call.forgetConstant === 0 ? zf : tf.add(zf, call.forgetConstant));
      const candidateMask = dropout.candidate(step);
      const g = candidateMask === null ? call.activation(zg) : tf.mul(call.activation(zg), candidateMask);
      const o = call.recurrentActivation(zo);
      const cNew = tf.add(tf.mul(f, c), tf.mul(i, g));
      const cNormalized = norms.apply('cell', cNew, step, mask);
      const hNew = norms.apply('hidden', tf.mul(o, call.activation(cNormalized)), step, mask);
      const cCarried = carryNormalized ? cNormalized : cNew;
      return [applyZoneout(h, hNew, dropout.zoneoutHidden(step)), applyZoneout(c, cCarried, dropout.zoneoutCell(step))];
    };
  },
};
