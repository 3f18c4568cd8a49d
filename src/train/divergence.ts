/**
 * When a run counts as diverged (a non-finite loss, or too many updates in a row skipped for non-finite
 * gradients), and what the user is told then.
 */
import type { LoopState } from './types.js';

/**
 * Updates in a row that may be skipped before the run stops as diverged. An isolated skip (one batch whose
 * gradient overflows) is harmless, since the weights stay as they were; 25 in a row means nearly every batch
 * overflows, so the run would make no progress and only burn time. 25 is well above what a rare bad batch
 * gives (runs of 1 or 2) and still stops within a fraction of an epoch on typical data sets.
 */
export const MAX_SKIPPED_UPDATES_IN_A_ROW = 25;

/** Why a run diverged. */
export type Divergence =
  | { cause: 'loss'; loss: number }
  | { cause: 'skipped_updates'; inARow: number };

/** Updates skipped over the whole run: the finished epochs' counts and the current epoch's. */
export function totalSkippedUpdates(state: LoopState): number {
  return state.history.reduce((sum, log) => sum + (log.skippedUpdates ?? 0), 0) + state.partial.skipped;
}

const ADVICE =
  'Try a lower learning rate, gradient clipping (`clip norm 1` in the train block), or standardized inputs; ' +
  'check the data for all-zero or constant sequences (a layer norm sees a zero-variance vector there, whose ' +
  'gradient γ/√ε compounds over the steps), and with few input features prefer `dropout input R per_step` to ' +
  'per-sequence input dropout, which zeroes whole sequences.';

/** The message for a diverged run stopped at `epoch`/`batch` (1-based); `state.epoch` epochs finished. */
export function divergedMessage(divergence: Divergence, at: { epoch: number; batch: number }, state: LoopState, runDir: string): string {
  const what =
    divergence.cause === 'loss'
      ? `the loss became ${divergence.loss} at epoch ${at.epoch}, batch ${at.batch}`
      : `${divergence.inARow} updates in a row had non-finite gradients and were skipped (up to epoch ${at.epoch}, batch ${at.batch})`;
  const checkpoint =
    state.epoch > 0 ? `The last good checkpoint (after epoch ${state.epoch}) is in ${runDir}/checkpoint. ` : 'No epoch finished, so there is no checkpoint. ';
  return `${what}; training stopped. ${checkpoint}${ADVICE}`;
}
