/** Tensors for a batch of samples picked by index from a flat sample set. */
import * as tf from '@tensorflow/tfjs';
import { targetSize, type SampleSet } from '../data/types.js';

export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  size: number;
}

/** Inputs `[n, steps, features]` and targets `[n, ...targetShape]` of the samples `indices`. */
export function gatherBatch(set: SampleSet, indices: readonly number[]): Batch {
  const xSize = set.steps * set.features;
  const ySize = targetSize(set);
  const x = new Float32Array(indices.length * xSize);
  const y = new Float32Array(indices.length * ySize);
  indices.forEach((sample, row) => {
    x.set(set.x.subarray(sample * xSize, (sample + 1) * xSize), row * xSize);
    y.set(set.y.subarray(sample * ySize, (sample + 1) * ySize), row * ySize);
  });
  return {
    x: tf.tensor3d(x, [indices.length, set.steps, set.features]),
    y: tf.tensor(y, [indices.length, ...set.targetShape]),
    size: indices.length,
  };
}

/** The whole set as one batch, in order. */
export function wholeSet(set: SampleSet): Batch {
  return gatherBatch(set, Array.from({ length: set.count }, (_, i) => i));
}

/** The index lists of consecutive batches over `order`. */
export function batchesOf(order: readonly number[], batchSize: number): number[][] {
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}
