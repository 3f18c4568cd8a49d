/**
 * One training run of the MNIST experiment: the spec's model, optimizer and clipping, trained for a number of
 * epochs with the run's seed (weights, initial-state noise and shuffle), with the validation accuracy measured
 * every `evaluateEvery` updates (Figure 2 plots it against updates, not epochs) and the test accuracy at the end.
 *
 * A loop of its own rather than `seqnet train`, like the regularization experiment's: the training loop
 * evaluates once per epoch and writes a run directory, neither of which is wanted here.
 */
import * as tf from '@tensorflow/tfjs';
import { compileModel } from '../../src/compile/index.js';
import { Prng, type PreparedData, type SampleSet } from '../../src/data/index.js';
import type { ModelIR } from '../../src/ir/types.js';
import { seedRandom } from '../../src/runtime/random.js';
import { batchesOf, gatherBatch } from '../../src/train/batches.js';
import { MAX_SKIPPED_UPDATES_IN_A_ROW } from '../../src/train/divergence.js';
import { guardedOptimizer } from '../../src/train/optimizer.js';
import { ExperimentError, meanMetrics } from '../shared.js';

/** The measurements after `updates` training updates. */
export interface CurvePoint {
  updates: number;
  /** Inference-mode loss and accuracy on the whole validation split. */
  validationLoss: number;
  validationAccuracy: number;
  /** Mean loss and accuracy of the training batches since the previous point (training mode, as trained). */
  trainLoss: number;
  trainAccuracy: number;
}

export interface RunMeasurements {
  points: CurvePoint[];
  test: { loss: number; accuracy: number };
  /** Updates whose gradients were not finite and were skipped (the weights stayed as they were). */
  skippedUpdates: number;
}

export interface RunLength {
  epochs: number;
  /** Validation points every this many updates (and always after the last update). */
  evaluateEvery: number;
}

const everyIndex = (set: SampleSet): number[] => Array.from({ length: set.count }, (_, i) => i);

/** Trains `ir` on `data` with `seed`; `onPoint` sees every validation point as it is measured. */
export async function trainAndMeasure(ir: ModelIR, data: PreparedData, seed: number, length: RunLength, onPoint: (point: CurvePoint) => void = () => {}): Promise<RunMeasurements> {
  const { batchSize } = ir.train;
  seedRandom(seed);
  const model = compileModel(ir, { seed });
  const optimizer = guardedOptimizer(model);
  const shuffler = new Prng(seed);
  const points: CurvePoint[] = [];
  const sinceLastPoint = { loss: 0, accuracy: 0, samples: 0 };
  let updates = 0;
  let skippedInARow = 0;
  const measure = async (): Promise<void> => {
    const [validationLoss, validationAccuracy] = await meanMetrics(model, data.validation, everyIndex(data.validation), batchSize);
    const point = { updates, validationLoss, validationAccuracy, trainLoss: sinceLastPoint.loss / sinceLastPoint.samples, trainAccuracy: sinceLastPoint.accuracy / sinceLastPoint.samples };
    Object.assign(sinceLastPoint, { loss: 0, accuracy: 0, samples: 0 });
    points.push(point);
    onPoint(point);
  };
  try {
    for (let epoch = 1; epoch <= length.epochs; epoch++) {
      for (const indices of batchesOf(shuffler.permutation(data.train.count), batchSize)) {
        const skippedBefore = optimizer.skippedUpdates;
        const batch = gatherBatch(data.train, indices);
        const result = await model.trainOnBatch(batch.x, batch.y);
        tf.dispose([batch.x, batch.y]);
        const [loss, accuracy] = Array.isArray(result) ? result : [result, Number.NaN];
        updates += 1;
        skippedInARow = optimizer.skippedUpdates > skippedBefore ? skippedInARow + 1 : 0;
        if (!Number.isFinite(loss)) throw new ExperimentError(`diverged: the training loss is ${loss} at update ${updates}`);
        if (skippedInARow >= MAX_SKIPPED_UPDATES_IN_A_ROW) throw new ExperimentError(`diverged: ${skippedInARow} updates in a row had non-finite gradients (up to update ${updates})`);
        sinceLastPoint.loss += loss * indices.length;
        sinceLastPoint.accuracy += accuracy * indices.length;
        sinceLastPoint.samples += indices.length;
        if (updates % length.evaluateEvery === 0) await measure();
      }
    }
    if (sinceLastPoint.samples > 0) await measure();
    const [testLoss, testAccuracy] = await meanMetrics(model, data.test, everyIndex(data.test), batchSize);
    return { points, test: { loss: testLoss, accuracy: testAccuracy }, skippedUpdates: optimizer.skippedUpdates };
  } finally {
    model.dispose();
  }
}
