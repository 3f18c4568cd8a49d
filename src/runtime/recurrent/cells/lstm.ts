/** The LSTM step with every normalization site, candidate dropout, recurrent dropout and zoneout. */
import * as tf from '@tensorflow/tfjs';
import { applyZoneout } from '../dropout.js';
import type { CellDefinition, CellCall, StepFn } from './types.js';

/**
 * Computes the equations of `src/variants/cells/lstm.ts` (`CELL_FACTS.lstm.equations`). Absent norms are the
 * identity; the carried c is the normalized one only when the cell norm has `carry`.
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
