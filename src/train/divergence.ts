/**
 * When a run counts as diverged (a non-finite loss, too many updates in a row skipped for non-finite
 * gradients, or a finite training loss that has grown far above the untrained model's), and what the user is
 * told then.
 */
import type { EpochLog, LoopState } from './types.js';

/**
 * Updates in a row that may be skipped before the run stops as diverged. An isolated skip (one batch whose
 * gradient overflows) is harmless, since the weights stay as they were; 25 in a row means nearly every batch
 * overflows, so the run would make no progress and only burn time. 25 is well above what a rare bad batch
 * gives (runs of 1 or 2) and still stops within a fraction of an epoch on typical data sets.
 */
export const MAX_SKIPPED_UPDATES_IN_A_ROW = 25;

/**
 * Finite divergence: the run stops when the training loss of `LOSS_GROWTH_EPOCHS` epochs in a row exceeds
 * `LOSS_GROWTH_FACTOR` times the untrained model's loss (the loss of the run's first batch, computed before
 * any update). A learning rate far too large (Adam at 1e6) throws the weights so far that the loss settles at
 * 1e7 … 1e29 without ever becoming Infinity, so the non-finite checks never fire and the run would end as
 * "trained". A healthy run's epoch loss stays below its starting loss, or a small multiple of it early on;
 * three orders of magnitude above it, twice in a row (so one bad epoch that recovers does not count), is a
 * model far worse than its random initialization.
 */
export const LOSS_GROWTH_FACTOR = 1000;
export const LOSS_GROWTH_EPOCHS = 2;

/** Why a run diverged. */
export type Divergence =
  | { cause: 'loss'; loss: number }
  | { cause: 'skipped_updates'; inARow: number }
  | { cause: 'loss_growth'; initialLoss: number; epochs: { epoch: number; loss: number }[] };

/**
 * The finite-divergence rule above, on the run's first-batch loss and its finished epochs: the divergence when
 * the last `LOSS_GROWTH_EPOCHS` epochs' training losses all exceed `LOSS_GROWTH_FACTOR × initialLoss`, else
 * null (also when the initial loss is unknown, as in checkpoints written before it was recorded, or 0).
 */
export function lossGrowth(initialLoss: number | undefined, history: readonly EpochLog[]): Divergence | null {
  if (initialLoss === undefined || !(initialLoss > 0) || history.length < LOSS_GROWTH_EPOCHS) return null;
  const recent = history.slice(-LOSS_GROWTH_EPOCHS);
  const limit = LOSS_GROWTH_FACTOR * initialLoss;
  if (!recent.every((log) => log.metrics.loss > limit)) return null;
  return { cause: 'loss_growth', initialLoss, epochs: recent.map((log) => ({ epoch: log.epoch, loss: log.metrics.loss })) };
}

/** Updates skipped over the whole run: the finished epochs' counts and the current epoch's. */
export function totalSkippedUpdates(state: LoopState): number {
  return state.history.reduce((sum, log) => sum + (log.skippedUpdates ?? 0), 0) + state.partial.skipped;
}

const ADVICE =
  'Try a lower learning rate, gradient clipping (`clip norm 1` in the train block), or standardized inputs; ' +
  'check the data for all-zero or constant sequences (a layer norm sees a zero-variance vector there, whose ' +
  'gradient γ/√ε compounds over the steps), and with few input features prefer `dropout input R per_step` to ' +
  'per-sequence input dropout, which zeroes whole sequences.';

/** Three significant digits, in exponent form when large or small ("1.07e+12", "0.69"). */
const shortNumber = (value: number): string =>
  Math.abs(value) >= 1e6 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(2) : String(Number(value.toPrecision(3)));

/** "the training loss stayed above 1000× the untrained model's (0.512) for 2 epochs in a row (epoch 1: 1.6e+29, …)". */
function growthMessage(divergence: Extract<Divergence, { cause: 'loss_growth' }>, state: LoopState, runDir: string): string {
  const losses = divergence.epochs.map(({ epoch, loss }) => `epoch ${epoch}: ${shortNumber(loss)}`).join(', ');
  const what =
    `the training loss stayed above ${LOSS_GROWTH_FACTOR}× the untrained model's loss (${shortNumber(divergence.initialLoss)}) ` +
    `for ${divergence.epochs.length} epochs in a row (${losses}); training stopped as diverged.`;
  // The epochs before the last one were checkpointed, but they already had the grown loss.
  const checkpoint = state.epoch > 1 ? ` The checkpoint in ${runDir}/checkpoint (after epoch ${state.epoch - 1}) holds diverged weights too; train again rather than resume.` : '';
  return `${what}${checkpoint} The learning rate was ${state.monitor.learningRate}. ${ADVICE}`;
}

/** The message for a diverged run stopped at `epoch`/`batch` (1-based); `state.epoch` epochs finished. */
export function divergedMessage(divergence: Divergence, at: { epoch: number; batch: number }, state: LoopState, runDir: string): string {
  if (divergence.cause === 'loss_growth') return growthMessage(divergence, state, runDir);
  const what =
    divergence.cause === 'loss'
      ? `the loss became ${divergence.loss} at epoch ${at.epoch}, batch ${at.batch}`
      : `${divergence.inARow} updates in a row had non-finite gradients and were skipped (up to epoch ${at.epoch}, batch ${at.batch})`;
  const checkpoint =
    state.epoch > 0 ? `The last good checkpoint (after epoch ${state.epoch}) is in ${runDir}/checkpoint. ` : 'No epoch finished, so there is no checkpoint. ';
  return `${what}; training stopped. ${checkpoint}${ADVICE}`;
}
