/**
 * The training loop: seeded shuffling, one `trainOnBatch` per batch, validation each epoch, early stopping
 * with best-weights restore, learning-rate schedules, a checkpoint every epoch, and a clean stop between
 * batches when asked (Ctrl-C), when the loss stops being finite, or when too many updates in a row were
 * skipped for non-finite gradients.
 *
 * A custom loop rather than `model.fit`, because an exact resume needs the shuffle order, the dropout
 * random stream and the position inside an epoch, none of which `fit` exposes.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainIR } from '../ir/types.js';
import { getRandomState, setRandomState } from '../runtime/random.js';
import { Prng, type SampleSet } from '../data/index.js';
import { faultPoint } from '../io/index.js';
import { batchDataset, batchesOf, evaluationBatchSize, gatherBatch, wholeSet } from './batches.js';
import { saveCheckpoint } from './checkpoint.js';
import { lossGrowth, MAX_SKIPPED_UPDATES_IN_A_ROW, type Divergence } from './divergence.js';
import { specMetricNames } from './metric-names.js';
import { afterEpoch } from './monitor.js';
import { guardedOptimizer, setLearningRate } from './optimizer.js';
import type { EpochLog, LoopState, ProgressReporter } from './types.js';
import { snapshotWeights } from './weights.js';
import type { ParallelTrainer } from './parallel/index.js';
import { NO_UNITS, type WorkUnits } from '../backend/unit-policy.js';

export interface LoopInput {
  model: tf.LayersModel;
  train: TrainIR;
  data: { train: SampleSet; validation: SampleSet };
  state: LoopState;
  /** Weights of the best epoch so far (restored from a checkpoint), or null. */
  best: tf.Tensor[] | null;
  runDir: string;
  reporter: ProgressReporter;
  /** Aborting stops after the current batch, with a checkpoint. */
  signal?: AbortSignal;
  /** Worker threads that train each batch data-parallel (their optimizer step is `model`'s); null: this thread. */
  parallel?: ParallelTrainer | null;
  /**
   * The matmul helper's units (`src/train/matmul-helper.ts`): each training step is one `train` unit, each
   * validation batch one `infer` unit. Absent: no helper.
   */
  units?: { train: WorkUnits; infer: WorkUnits };
}

export type LoopOutcome =
  | { status: 'completed' | 'early_stopping'; state: LoopState }
  | { status: 'interrupted'; state: LoopState }
  | { status: 'diverged'; state: LoopState; epoch: number; batch: number; divergence: Divergence };

/** Runs epochs from `input.state` until done; the model ends with the weights to keep. */
export async function runLoop(input: LoopInput): Promise<LoopOutcome> {
  const { model, train, data, reporter } = input;
  const state = structuredClone(input.state);
  let best = input.best;
  const shuffler = new Prng(train.seed);
  while (state.epoch < train.epochs && state.stopped === 'running') {
    const stopped = await trainEpoch(input, state, shuffler, best);
    if (stopped !== null) {
      reporter.close();
      if (best !== null && stopped.status === 'diverged') tf.dispose(best);
      return stopped;
    }
    const log = state.history[state.history.length - 1];
    const growth = lossGrowth(state.initialLoss, state.history);
    if (growth !== null) {
      reporter.epochEnd(log, train.epochs);
      reporter.close();
      if (best !== null) tf.dispose(best);
      return { status: 'diverged', state, epoch: state.epoch, batch: state.batch, divergence: growth };
    }
    const monitored = data.validation.count > 0 ? log.metrics.val_loss : log.metrics.loss;
    const decision = afterEpoch(train, state.monitor, state.epoch, monitored);
    state.monitor = decision.state;
    if (decision.improved && train.earlyStopping?.restoreBest === true) {
      if (best !== null) tf.dispose(best);
      best = snapshotWeights(model);
    }
    if (decision.stop) state.stopped = 'early_stopping';
    else if (state.epoch >= train.epochs) state.stopped = 'completed';
    reporter.epochEnd(log, train.epochs);
    await saveCheckpoint(input.runDir, model, state, best);
    if (input.signal?.aborted === true && state.stopped === 'running') {
      reporter.close();
      return { status: 'interrupted', state };
    }
  }
  reporter.close();
  if (best !== null) {
    model.setWeights(best);
    tf.dispose(best);
  }
  return { status: state.stopped === 'early_stopping' ? 'early_stopping' : 'completed', state };
}

/**
 * Trains the rest of the current epoch batch by batch and evaluates it (appending its log to the history).
 * Returns null when the epoch finished, or why it stopped early: an abort (after writing a mid-epoch
 * checkpoint), a loss that is no longer finite, or `MAX_SKIPPED_UPDATES_IN_A_ROW` skipped updates.
 */
async function trainEpoch(input: LoopInput, state: LoopState, shuffler: Prng, best: tf.Tensor[] | null): Promise<LoopOutcome | null> {
  const { model, train, data, reporter } = input;
  const optimizer = guardedOptimizer(model);
  setLearningRate(optimizer, state.monitor.learningRate);
  const batches = batchesOf(epochOrder(train, data.train.count, shuffler, state), train.batchSize);
  reporter.epochStart(state.epoch + 1, train.epochs, batches.length, state.batch);
  setRandomState(state.randomState);
  const started = performance.now();
  while (state.batch < batches.length) {
    const indices = batches[state.batch];
    const skippedBefore = optimizer.skippedUpdates;
    const values = input.parallel != null ? await input.parallel.trainBatch(data.train, indices) : await trainBatch(model, data.train, indices, input.units?.train ?? NO_UNITS);
    if (!values.every(Number.isFinite)) {
      return { status: 'diverged', state, epoch: state.epoch + 1, batch: state.batch + 1, divergence: { cause: 'loss', loss: values[0] } };
    }
    state.initialLoss ??= values[0];
    // The batch's loss is finite, so it counts towards the epoch's mean even when its update was skipped.
    const skipped = optimizer.skippedUpdates > skippedBefore;
    state.partial.skipped += skipped ? 1 : 0;
    state.skippedInARow = skipped ? state.skippedInARow + 1 : 0;
    state.partial.seen += indices.length;
    values.forEach((value, k) => (state.partial.sums[k] = (state.partial.sums[k] ?? 0) + value * indices.length));
    state.batch += 1;
    state.randomState = getRandomState();
    reporter.batchEnd(state.batch, state.partial.sums[0] / state.partial.seen, state.partial.skipped);
    await betweenBatches();
    if (state.skippedInARow >= MAX_SKIPPED_UPDATES_IN_A_ROW) {
      return { status: 'diverged', state, epoch: state.epoch + 1, batch: state.batch, divergence: { cause: 'skipped_updates', inARow: state.skippedInARow } };
    }
    if (input.signal?.aborted === true && state.batch < batches.length) {
      state.partial.seconds += (performance.now() - started) / 1000;
      await saveCheckpoint(input.runDir, model, state, best);
      return { status: 'interrupted', state };
    }
  }
  await finishEpoch(model, train, data.validation, state, (performance.now() - started) / 1000, input.units?.infer ?? NO_UNITS);
  return null;
}

/**
 * Lets the event loop run between two batches, so that a Ctrl-C (whose handler aborts `signal`) is seen after
 * the batch in progress rather than at the end of the epoch: `trainOnBatch` computes synchronously and never
 * yields by itself. `setImmediate` costs microseconds, nothing next to a batch.
 */
async function betweenBatches(): Promise<void> {
  await faultPoint('after-batch');
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The sample order of the current epoch. At an epoch boundary a new order is drawn; in the middle of an
 * epoch (a resumed interruption) the same order is drawn again from the saved generator state.
 */
function epochOrder(train: TrainIR, count: number, shuffler: Prng, state: LoopState): number[] {
  if (state.batch === 0) state.epochShuffleState = state.shuffleState;
  shuffler.setState(state.epochShuffleState);
  const order = train.shuffle ? shuffler.permutation(count) : Array.from({ length: count }, (_, i) => i);
  state.shuffleState = shuffler.getState();
  return order;
}

/** One training step on the samples `indices`: one unit of `units` (a step that throws is not timed). */
async function trainBatch(model: tf.LayersModel, set: SampleSet, indices: number[], units: WorkUnits): Promise<number[]> {
  const batch = gatherBatch(set, indices);
  try {
    units.begin();
    const result = await model.trainOnBatch(batch.x, batch.y);
    units.end();
    return Array.isArray(result) ? result : [result];
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
}

/** Averages the epoch's batch values, evaluates the validation split and resets the epoch accumulators. */
async function finishEpoch(model: tf.LayersModel, train: TrainIR, validation: SampleSet, state: LoopState, seconds: number, units: WorkUnits): Promise<EpochLog> {
  const names = specMetricNames(model);
  const metrics: Record<string, number> = {};
  names.forEach((name, k) => (metrics[name] = state.partial.sums[k] / state.partial.seen));
  if (validation.count > 0) {
    const values = await evaluateSet(model, validation, train.batchSize, units);
    names.forEach((name, k) => (metrics[`val_${name}`] = values[k]));
  }
  state.epoch += 1;
  const log: EpochLog = {
    epoch: state.epoch,
    learningRate: state.monitor.learningRate,
    seconds: state.partial.seconds + seconds,
    metrics,
    skippedUpdates: state.partial.skipped,
  };
  state.history.push(log);
  state.batch = 0;
  state.partial = { seen: 0, sums: [], seconds: 0, skipped: 0 };
  return log;
}

/**
 * Loss and metrics of the model on a whole set (inference mode), in `model.metricsNames` order, evaluated in
 * batches of `evaluationBatchSize(batchSize)`, each batch one of `units`.
 */
export async function evaluateSet(model: tf.LayersModel, set: SampleSet, batchSize: number, units: WorkUnits = NO_UNITS): Promise<number[]> {
  const batch = wholeSet(set);
  try {
    const result = await model.evaluateDataset(batchDataset(batch, evaluationBatchSize(batchSize), units), {});
    const scalars = Array.isArray(result) ? result : [result];
    const values = await Promise.all(scalars.map(async (scalar) => (await scalar.data())[0]));
    tf.dispose(scalars);
    return values;
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
}
