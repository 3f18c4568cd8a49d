/** The IndRNN step (one recurrent weight per unit) with normalization sites, candidate dropout, recurrent dropout and zoneout. */
import * as tf from '@tensorflow/tfjs';
import { applyZoneout } from '../dropout.js';
import type { CellDefinition, CellCall, StepFn } from './types.js';

/**
 * Computes the equations of `src/variants/cells/indrnn.ts` (`CELL_FACTS.indrnn.equations`): `u`
 * (`recurrentKernel`, `[units]`) scales each unit's own previous state.
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
