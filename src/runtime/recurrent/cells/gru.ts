/** The GRU step (reset gate before or after the recurrent matmul) with every normalization site and dropout. */
import * as tf from '@tensorflow/tfjs';
import { applyZoneout } from '../dropout.js';
import type { CellDefinition, CellCall, StepFn } from './types.js';

/**
 * Computes the equations of `src/variants/cells/gru.ts` (`CELL_FACTS.gru.equations`). With the reset gate
 * before the matmul the candidate's recurrent term depends on r, so the `recurrent` and `gates` norms are
 * applied to `[z, r]` and to `h` separately (the spans of `CELL_FACTS.gru.spans`).
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
