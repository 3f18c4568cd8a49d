/** Metrics of a trained model on a sample set, with the naive "last value" forecast for comparison where it exists. */
import type * as tf from '@tensorflow/tfjs';
import type { SampleSet } from '../data/index.js';
import { evaluateSet } from './loop.js';

/** Mean squared error of the naive forecast against the targets, or null when the set has none. */
export function naiveMse(set: SampleSet): number | null {
  if (set.naive === null || set.count === 0) return null;
  let sum = 0;
  for (let i = 0; i < set.y.length; i++) sum += (set.naive[i] - set.y[i]) ** 2;
  return sum / set.y.length;
}

/** `{ loss, <metric>…, naive_mse? }` of `model` on `set`. */
export async function setMetrics(model: tf.LayersModel, set: SampleSet, batchSize: number): Promise<Record<string, number>> {
  const values = await evaluateSet(model, set, batchSize);
  const metrics: Record<string, number> = {};
  model.metricsNames.forEach((name, k) => (metrics[name] = values[k]));
  const naive = naiveMse(set);
  if (naive !== null) metrics.naive_mse = naive;
  return metrics;
}
