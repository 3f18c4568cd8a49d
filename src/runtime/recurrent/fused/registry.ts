/**
 * Which configs the fused op can run, and how: the recurrence of every cell, with or without norms inside
 * the loop. Anything vectorizable over all steps (input dropout, an input norm whose statistics do not
 * depend on the step) stays outside the op, in tfjs ops.
 */
import type { NormIR } from '../../../ir/types.js';
import type { SeqnetRecurrentConfig } from '../config.js';
import { fusedGru } from './gru.js';
import { fusedNormalizedGru } from './gru-norms.js';
import { fusedLstm } from './lstm.js';
import { fusedNormalizedLstm } from './lstm-norms.js';
import { fusedRnn } from './rnn.js';
import { fusedNormalizedRnn } from './rnn-norms.js';
import type { FusedCell } from './types.js';

const PLAIN_CELLS: Record<SeqnetRecurrentConfig['cell'], FusedCell> = { lstm: fusedLstm, gru: fusedGru, rnn: fusedRnn };
/** With norms inside the loop; the bias is then added inside too. */
const NORMALIZED_CELLS: Record<SeqnetRecurrentConfig['cell'], FusedCell> = { lstm: fusedNormalizedLstm, gru: fusedNormalizedGru, rnn: fusedNormalizedRnn };

export interface FusedPlan {
  cell: FusedCell;
  /** Norms computed inside the loop; the bias is then added inside too. */
  loopNorms: NormIR[];
}

/** An input norm computed on all steps at once: its statistics are per example, or shared over time. */
export function isVectorizedInputNorm(norm: NormIR): boolean {
  return norm.site === 'input' && (norm.kind !== 'batch' || norm.batch?.statistics === 'shared');
}

/**
 * The fused plan for this config, or null when the step loop must run it: activations the fused loops do not
 * implement. Every dropout form runs inside the fused loops (recurrent, candidate, zoneout: `FusedArgs`).
 */
export function fusedPlanFor(config: SeqnetRecurrentConfig): FusedPlan | null {
  if (config.activation !== 'tanh') return null;
  // The simple RNN has no gates, so its recurrentActivation is unused.
  const gatesOk = config.cell === 'rnn' || config.recurrentActivation === 'sigmoid' || config.recurrentActivation === 'hard_sigmoid';
  if (!gatesOk) return null;
  const loopNorms = config.norms.filter((norm) => !isVectorizedInputNorm(norm));
  if (loopNorms.length === 0) return { cell: PLAIN_CELLS[config.cell], loopNorms };
  return { cell: NORMALIZED_CELLS[config.cell], loopNorms };
}
