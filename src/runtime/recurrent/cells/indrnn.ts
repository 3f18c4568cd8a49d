/** The IndRNN step (one recurrent weight per unit) with normalization sites, candidate dropout, recurrent dropout and zoneout. */
import * as tf from '@tensorflow/tfjs';
import { singleBlockCell } from './rnn.js';
import type { CellDefinition } from './types.js';

/**
 * Computes the equations of `src/variants/cells/indrnn.ts` (`CELL_FACTS.indrnn.equations`): the simple RNN's step
 * with `u` (`recurrentKernel`, `[units]`) scaling each unit's own previous state instead of `U·h`.
 */
export const indrnnCell: CellDefinition = singleBlockCell((call, hIn) => tf.mul(hIn, call.recurrentKernel));
