/**
 * Metrics of a trained model on a sample set, with the naive "last value" forecast for comparison where it
 * exists, and, for standardized data, the regression metrics again in the targets' original units.
 */
import * as tf from '@tensorflow/tfjs';
import type { ColumnStatistics, Preprocessing, SampleSet } from '../data/index.js';
import { evaluationBatchSize, predictInBatches, wholeSet } from './batches.js';
import { NO_UNITS, type WorkUnits } from '../backend/unit-policy.js';
import { evaluateSet } from './loop.js';
import { ORIGINAL_UNITS_SUFFIX, specMetricNames } from './metric-names.js';

/** Mean squared error of the naive forecast against the targets, or null when the set has none. */
export function naiveMse(set: SampleSet): number | null {
  if (set.naive === null || set.count === 0) return null;
  let sum = 0;
  for (let i = 0; i < set.y.length; i++) sum += (set.naive[i] - set.y[i]) ** 2;
  return sum / set.y.length;
}

/**
 * `mse`, `mae` (and `naive_mse` when `naive` is given) of standardized predictions against standardized
 * targets, after undoing the standardization of target column `u` on every value whose last index is `u`
 * (flat arrays whose innermost dimension is the target columns). Averaged over all values, so with several
 * target columns the mean mixes their units.
 */
export function originalUnitMetrics(targets: Float32Array, predictions: Float32Array, naive: Float32Array | null, stats: ColumnStatistics[]): Record<string, number> {
  const units = stats.length;
  let squares = 0;
  let absolutes = 0;
  let naiveSquares = 0;
  for (let i = 0; i < targets.length; i++) {
    // (a·s + m) − (b·s + m) = (a − b)·s: the mean cancels, only the scale matters.
    const std = stats[i % units].std;
    const error = (predictions[i] - targets[i]) * std;
    squares += error ** 2;
    absolutes += Math.abs(error);
    if (naive !== null) naiveSquares += ((naive[i] - targets[i]) * std) ** 2;
  }
  const count = Math.max(targets.length, 1);
  const metrics: Record<string, number> = { [`mse${ORIGINAL_UNITS_SUFFIX}`]: squares / count, [`mae${ORIGINAL_UNITS_SUFFIX}`]: absolutes / count };
  if (naive !== null) metrics[`naive_mse${ORIGINAL_UNITS_SUFFIX}`] = naiveSquares / count;
  return metrics;
}

/** The model's outputs for the whole set, flat, in the layout of `set.y`. */
async function predictSet(model: tf.LayersModel, set: SampleSet, batchSize: number, units: WorkUnits): Promise<Float32Array> {
  const batch = wholeSet(set);
  try {
    const output = predictInBatches(model, batch.x, evaluationBatchSize(batchSize), units);
    const values = (await output.data()) as Float32Array;
    output.dispose();
    return values;
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
}

/**
 * `{ loss, <metric>…, naive_mse? }` of `model` on `set`, under the spec's metric names; for data standardized
 * with `preprocessing`, also `mse_original_units`, `mae_original_units` (and `naive_mse_original_units`). Each
 * batch is one of `units` (the matmul helper's inference units).
 */
export async function setMetrics(model: tf.LayersModel, set: SampleSet, batchSize: number, preprocessing: Preprocessing = { kind: 'none' }, units: WorkUnits = NO_UNITS): Promise<Record<string, number>> {
  const values = await evaluateSet(model, set, batchSize, units);
  const metrics: Record<string, number> = {};
  specMetricNames(model).forEach((name, k) => (metrics[name] = values[k]));
  const naive = naiveMse(set);
  if (naive !== null) metrics.naive_mse = naive;
  if (preprocessing.kind === 'standardize' && set.count > 0) {
    Object.assign(metrics, originalUnitMetrics(set.y, await predictSet(model, set, batchSize, units), set.naive, preprocessing.targets));
  }
  return metrics;
}
