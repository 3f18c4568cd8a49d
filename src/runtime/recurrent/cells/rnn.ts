/** The simple (Elman) RNN step with normalization sites, candidate dropout, recurrent dropout and zoneout. */
import * as tf from '@tensorflow/tfjs';
import { applyZoneout } from '../dropout.js';
import type { CellDefinition, CellCall, StepFn } from './types.js';

/** The recurrent term of a one-block cell before its norm: `U·h̃` for the RNN, `u ⊙ h̃` for the IndRNN. */
export type RecurrentTerm = (call: CellCall, hIn: tf.Tensor) => tf.Tensor;

/**
 * A cell with one gate block, the candidate: `h_t = N_hidden(m_cand ⊙ act(N_gates(input + N_rec(term)) + b))`
 * with zoneout of h. The simple RNN and the IndRNN differ only in `term`.
 */
export function singleBlockCell(term: RecurrentTerm): CellDefinition {
  return {
    createStep(call: CellCall): StepFn {
      const { norms, dropout } = call;
      return (step, input, [h]) => {
        const mask = call.stepMask(step);
        const hIn = dropout.recurrent === null ? h : tf.mul(h, dropout.recurrent);
        let z = tf.add(input, norms.apply('recurrent', term(call, hIn), step, mask));
        z = norms.apply('gates', z, step, mask);
        if (call.bias !== null) z = tf.add(z, call.bias);
        const candidateMask = dropout.candidate(step);
        const activated = candidateMask === null ? call.activation(z) : tf.mul(call.activation(z), candidateMask);
        const hNew = norms.apply('hidden', activated, step, mask);
        return [applyZoneout(h, hNew, dropout.zoneoutHidden(step))];
      };
    },
  };
}

/** Computes the equations of `src/variants/cells/rnn.ts` (`CELL_FACTS.rnn.equations`). */
export const rnnCell: CellDefinition = singleBlockCell((call, hIn) => call.matMul(hIn, call.recurrentKernel, call.recurrentKernelTransposed));
