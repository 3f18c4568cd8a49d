/** The GRU step (reset gate before or after the recurrent matmul) with every normalization site and dropout. */
import * as tf from '@tensorflow/tfjs';
import { applyZoneout } from '../dropout.js';
import type { CellDefinition, CellCall, StepFn } from './types.js';

/**
 * Gate blocks z, r, h; `x̂ = N_in(x_t·W)`, `ĥ = m_rec ⊙ h_{t−1}`, σ = recurrentActivation:
 * ```
 * [z, r] = σ(N_gates(x̂_zr + N_rec(ĥ·U_zr)) + b_zr)
 * reset before (tfjs, Keras reset_after=False):  h̃ = act(N_gates(x̂_h + N_rec((r ⊙ ĥ)·U_h)) + b_h)
 * reset after  (Ba et al. LN-GRU, cuDNN):        h̃ = act(N_gates(x̂_h + r ⊙ N_rec(ĥ·U)_h) + b_h)
 * h_t = N_hidden(z ⊙ h_{t−1} + (1 − z) ⊙ m_cand ⊙ h̃)          (the undropped h_{t−1}, as Keras 3)
 * zoneout: h ← h_t + d_h ⊙ (h_{t−1} − h_t)
 * ```
 * With the reset gate before the matmul the candidate's recurrent term depends on r, so the `recurrent` and
 * `gates` norms are applied to `[z, r]` and to `h` separately (statistics never span both; `all` groups act
 * as `gates_and_candidate` there). Sources: Cho et al. 2014 in the tfjs layout; Ba et al. 2016 (authors'
 * LN-GRU code, reset after with separate LNs); Semeniuta et al. 2016; Krueger et al. 2017.
 */
export const gruCell: CellDefinition = {
  createStep(call: CellCall): StepFn {
    const { norms, dropout, units } = call;
    const split = (value: tf.Tensor) => tf.split(value, [2 * units, units], value.rank - 1);
    // Reset before: U_zr and U_h are separate matmuls, since U_h multiplies r ⊙ h.
    const [kernelZr, kernelH] = call.resetAfter ? [call.recurrentKernel, null] : split(call.recurrentKernel);
    const transposed = call.recurrentKernelTransposed;
    const [kernelZrT, kernelHT] =
      transposed === null ? [null, null] : call.resetAfter ? [transposed, null] : tf.split(transposed, [2 * units, units], 0);
    const [biasZr, biasH] = call.bias === null ? [null, null] : split(call.bias);
    const addBias = (value: tf.Tensor, bias: tf.Tensor | null) => (bias === null ? value : tf.add(value, bias));
    return (step, input, [h]) => {
      const mask = call.stepMask(step);
      const hIn = dropout.recurrent === null ? h : tf.mul(h, dropout.recurrent);
      const [inputZr, inputH] = split(input);
      let recurrentZr: tf.Tensor;
      let candidateRecurrent: (r: tf.Tensor) => tf.Tensor;
      if (call.resetAfter) {
        const [zr, hPart] = split(norms.apply('recurrent', call.matMul(hIn, kernelZr, kernelZrT), step, mask));
        recurrentZr = zr;
        candidateRecurrent = (r) => tf.mul(r, hPart);
      } else {
        recurrentZr = norms.apply('recurrent', call.matMul(hIn, kernelZr, kernelZrT), step, mask, 0, 2);
        candidateRecurrent = (r) => norms.apply('recurrent', call.matMul(tf.mul(r, hIn), kernelH as tf.Tensor, kernelHT), step, mask, 2, 1);
      }
      const gates = addBias(norms.apply('gates', tf.add(inputZr, recurrentZr), step, mask, 0, 2), biasZr);
      const [z, r] = tf.split(call.recurrentActivation(gates), 2, 1);
      const candidateInput = addBias(norms.apply('gates', tf.add(inputH, candidateRecurrent(r)), step, mask, 2, 1), biasH);
      const candidateMask = dropout.candidate(step);
      const candidate = candidateMask === null ? call.activation(candidateInput) : tf.mul(call.activation(candidateInput), candidateMask);
      const hNew = norms.apply('hidden', tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate)), step, mask);
      return [applyZoneout(h, hNew, dropout.zoneoutHidden(step))];
    };
  },
};
