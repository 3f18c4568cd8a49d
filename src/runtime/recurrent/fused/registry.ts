/** Which configs the fused op can run: the plain recurrence, with anything vectorizable outside the loop. */
import type { SeqnetRecurrentConfig } from '../config.js';
import { fusedGru } from './gru.js';
import { fusedLstm } from './lstm.js';
import { fusedRnn } from './rnn.js';
import type { FusedCell } from './types.js';

const FUSED_CELLS: Record<SeqnetRecurrentConfig['cell'], FusedCell> = { lstm: fusedLstm, gru: fusedGru, rnn: fusedRnn };

/**
 * The fused loop for this config, or null when the step loop must run it: a norm inside the recurrence, a
 * per-step input norm, dropout inside the loop, or activations the fused loop does not implement.
 */
export function fusedCellFor(config: SeqnetRecurrentConfig): FusedCell | null {
  const cell = FUSED_CELLS[config.cell];
  if (config.activation !== 'tanh') return null;
  // The simple RNN has no gates, so its recurrentActivation is unused.
  const gatesOk = config.cell === 'rnn' || config.recurrentActivation === 'sigmoid' || config.recurrentActivation === 'hard_sigmoid';
  if (!gatesOk) return null;
  const vectorizable = config.norms.every(
    (norm) => norm.site === 'input' && (norm.kind !== 'batch' || norm.batch?.statistics === 'shared'),
  );
  const { recurrent, candidate, zoneout } = config.dropout;
  const loopDropout = (recurrent?.rate ?? 0) > 0 || (candidate?.rate ?? 0) > 0 || (zoneout !== null && (zoneout.cell > 0 || zoneout.hidden > 0));
  return vectorizable && !loopDropout ? cell : null;
}
