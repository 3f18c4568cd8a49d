/** Shapes shared by the training loop, its checkpoints and its reporters. */

/** One epoch's results: `metrics` holds `loss`, the heads' metrics and their `val_` counterparts. */
export interface EpochLog {
  /** 1-based epoch number. */
  epoch: number;
  learningRate: number;
  seconds: number;
  metrics: Record<string, number>;
  /**
   * Updates skipped in this epoch because a gradient was not finite (see `GuardedOptimizer`); absent in
   * histories written before seqnet counted them, which means 0.
   */
  skippedUpdates?: number;
}

/** Early stopping and learning-rate schedule bookkeeping, saved with every checkpoint. */
export interface MonitorState {
  /** Best monitored loss so far and the epoch (1-based) it was reached; Infinity / 0 before any epoch. */
  best: number;
  bestEpoch: number;
  /** Epochs since early stopping's monitor last improved by more than min_delta. */
  stopWait: number;
  /** Best loss and wait counter for the plateau schedule (improvement without min_delta). */
  plateauBest: number;
  plateauWait: number;
  learningRate: number;
}

/** Everything besides the weights that an exact resume needs. */
export interface LoopState {
  /** Epochs completed. */
  epoch: number;
  /** Batches completed in the current (unfinished) epoch; 0 at an epoch boundary. */
  batch: number;
  /** Shuffle generator state when the current epoch's order was drawn (to draw it again on resume). */
  epochShuffleState: number;
  /** Shuffle generator state after drawing the current epoch's order. */
  shuffleState: number;
  /** seqnet's runtime random stream (dropout masks), from `getRandomState()`. */
  randomState: number;
  /**
   * Sums of batch loss and metrics (weighted by batch size) over the current epoch, the samples seen, and the
   * updates skipped for non-finite gradients.
   */
  partial: { seen: number; sums: number[]; seconds: number; skipped: number };
  /** Updates skipped one after another up to now (across epoch boundaries); 0 after an applied update. */
  skippedInARow: number;
  /**
   * The loss of the run's first batch, before any update: the reference of the finite-divergence rule
   * (`lossGrowth` in divergence.ts). Absent before the first batch and in checkpoints of older versions.
   */
  initialLoss?: number;
  monitor: MonitorState;
  history: EpochLog[];
  stopped: 'running' | 'early_stopping' | 'completed';
}

/** Receives progress as training runs; the bar, line and JSON reporters implement it. */
export interface ProgressReporter {
  epochStart(epoch: number, epochs: number, batches: number, firstBatch: number): void;
  /** After each batch: its number, the epoch's running loss and the updates skipped in the epoch so far. */
  batchEnd(batch: number, loss: number, skippedUpdates: number): void;
  epochEnd(log: EpochLog, epochs: number): void;
  /** Informational lines (backend, data summary, where files go). */
  note(line: string): void;
  /** The outcome of the run (status, run directory, best epoch, test metrics) once training stops. */
  outcome(summary: Record<string, unknown>): void;
  close(): void;
}
